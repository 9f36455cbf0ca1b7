// Issue 16, targets 2 and 3, on both backends:
//   2. disk: ≤ 16 bytes per raw instance-sample on SQLite, at 10,000 instances over a simulated
//      day at 15 s (PostgreSQL's figure reported);
//   3. read: 24 h of one service at 1-minute steps from a store holding 7 days of that fleet
//      at 15 s, ≤ 50 ms on both backends.
//
//   node bench/store-history.ts [--instances 10000] [--days 7] [--backend sqlite|postgres|both]
//
// Fills a fresh store through the same writer, rollups and pruning serve runs (a simulated
// clock: a week in minutes), measures the raw tier's bytes after the first day, then times
// reads after the last (median of 15, after 2 to warm caches). Temporary SQLite file and
// PostgreSQL database (127.0.0.1:5432), removed at the end. Not part of `npm test`.
import { parseArgs } from 'node:util';
import type { HistoryTarget } from '../src/core/history-types.ts';
import { createTestDatabase, type TestDatabase } from '../src/store/backends.test-helper.ts';
import type { Store } from '../src/store/store.ts';
import { type Clock, systemClock } from '../src/time/clock.ts';
import { syntheticFleet } from './lib/synthetic-scans.ts';

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '10000' },
    days: { type: 'string', default: '7' },
    backend: { type: 'string', default: 'both' },
  },
});
const INSTANCES = Number(values.instances);
const DAYS = Number(values.days);
const INTERVAL = 15_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 1);
const backends =
  values.backend === 'both'
    ? (['sqlite', 'postgres'] as const)
    : [values.backend as 'sqlite' | 'postgres'];

let failed = false;
console.log(
  `store-history: ${INSTANCES} instances every 15 s for ${DAYS} simulated days, default retention (machine shared with other sessions)`,
);
for (const backend of backends) {
  const db = await createTestDatabase(backend);
  try {
    failed = !(await run(backend, db)) || failed;
  } finally {
    await db.drop();
  }
}
console.log(failed ? 'FAIL' : 'PASS');
process.exitCode = failed ? 1 : 0;

async function run(backend: 'sqlite' | 'postgres', db: TestDatabase): Promise<boolean> {
  let now = T0;
  // The store reads the time only as wallNow(): leases and retention follow the simulated day.
  const clock: Clock = { ...systemClock, wallNow: () => now };
  const store = await db.open({ clock });
  await store.migrate({ dryRun: false });
  const fleet = syntheticFleet(INSTANCES, 12, 3);
  const started = performance.now();
  let rawBytesPerSample = 0;
  let totalBytesPerSample = 0;
  const scans = (DAYS * DAY) / INTERVAL;
  for (let i = 0; i < scans; i++) {
    now = T0 + i * INTERVAL;
    const outcome = await store.writer.writeScan(fleet.scan(now));
    if (outcome !== 'written') throw new Error(`scan ${i}: ${outcome}`);
    // serve runs maintenance every 10 s; once a simulated minute does the same work.
    if (i % 4 === 3) while ((await store.maintenance.maintain()).more);
    if (i + 1 === DAY / INTERVAL) {
      const info = await store.info();
      const samples = info.tiers[0]?.samples ?? 1;
      rawBytesPerSample = (await rawTierBytes(db)) / samples;
      totalBytesPerSample = (info.sizeBytes ?? 0) / samples;
    }
    if (i % 5760 === 5759) {
      process.stderr.write(
        `store-history: ${backend}: day ${Math.round((i + 1) / 5760)} written in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
      );
    }
  }
  const info = await store.info();
  const filled = (performance.now() - started) / 1000;
  const service = 'Service03';
  const ip = '10.0.0.3';
  const reads: [string, HistoryTarget, number, number | null, number?][] = [
    ['service, 24 h at 1 m', { kind: 'service', service }, DAY, MINUTE],
    ['service, 24 h at 1 m, 30 busiest lines', { kind: 'service', service }, DAY, MINUTE, 30],
    ['service, 1 h every scan', { kind: 'service', service }, HOUR, null],
    ['service, 7 d at 15 m', { kind: 'service', service }, 7 * DAY, 15 * MINUTE],
    ['service, 30 d at 1 h', { kind: 'service', service }, 30 * DAY, HOUR],
    ['instance, 24 h at 1 m', { kind: 'instance', ip }, DAY, MINUTE],
    ['instance, 7 d at 1 h', { kind: 'instance', ip }, 7 * DAY, HOUR],
  ];
  const lines: string[] = [];
  let target3 = Number.POSITIVE_INFINITY;
  for (const [label, target, range, stepMs, members] of reads) {
    const ms = await timeRead(store, target, now + 1 - range, now + 1, stepMs, members);
    if (label === 'service, 24 h at 1 m') target3 = ms;
    lines.push(`    ${label}: ${ms.toFixed(1)} ms`);
  }
  const diskOk = backend !== 'sqlite' || rawBytesPerSample <= 16;
  const readOk = target3 <= 50;
  console.log(
    `  ${backend}: filled in ${filled.toFixed(0)} s; after day 1: ${rawBytesPerSample.toFixed(1)} bytes per raw sample${backend === 'sqlite' ? ' (bound 16)' : ''}, ${totalBytesPerSample.toFixed(1)} bytes per sample for the whole store (rollups, events, indexes)`,
  );
  console.log(
    `    after ${DAYS} days: ${((info.sizeBytes ?? 0) / 1024 ** 3).toFixed(2)} GiB; rows: raw ${info.tiers[0]?.rows}, minute ${info.tiers[1]?.rows}, hour ${info.tiers[2]?.rows}, events ${info.events.rows}`,
  );
  console.log(`    reads (median of 15):`);
  for (const line of lines) console.log(line);
  console.log(
    `    24 h of one service at 1 m: ${target3.toFixed(1)} ms (bound 50 ms) — ${diskOk && readOk ? 'PASS' : 'FAIL'}`,
  );
  await store.close();
  return diskOk && readOk;
}

async function timeRead(
  store: Store,
  target: HistoryTarget,
  from: number,
  to: number,
  stepMs: number | null,
  members?: number,
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 17; i++) {
    const started = performance.now();
    const series = await store.history.series({
      target,
      from,
      to,
      stepMs,
      ...(members === undefined ? {} : { members }),
    });
    if (series === undefined) throw new Error('no series');
    if (i >= 2) times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0;
}

/** Bytes of the raw tier: its table with its indexes (and, on PostgreSQL, its TOAST). */
async function rawTierBytes(db: TestDatabase): Promise<number> {
  if (db.location.kind === 'sqlite') {
    const { DatabaseSync } = await import('node:sqlite');
    const raw = new DatabaseSync(db.location.path, { readOnly: true });
    const row = raw
      .prepare(
        "SELECT SUM(pgsize) AS bytes FROM dbstat WHERE name IN ('raw_samples', 'raw_samples_ts') OR name LIKE 'sqlite_autoindex_raw_samples%'",
      )
      .get() as { bytes: number };
    raw.close();
    return row.bytes;
  }
  if (db.location.kind !== 'postgres') return 0;
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: db.location.url });
  await client.connect();
  const { rows } = await client.query(
    "SELECT pg_total_relation_size('fleetmon.raw_samples') AS bytes",
  );
  await client.end();
  return Number(rows[0]?.bytes ?? 0);
}
