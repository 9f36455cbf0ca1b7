import { decodeRollups, decodeSamples, encodeRollups } from '../codec.ts';
import { TIER_MS } from '../retention.ts';
import { InstanceRollup } from '../rollup-columns.ts';
import type { SqlTx } from './driver.ts';

/** Tier numbers in the rollup tables. */
export const TIER_NUMBER = { minute: 1, hour: 2 } as const;

/** About this many samples are read per batch, so one batch blocks for a few ms, not seconds. */
const BATCH_SAMPLES = 250_000;

/**
 * Rolls up one batch of closed buckets of `tier` from the tier below (minutes from raw samples,
 * hours from minutes), then records how far it got. A bucket is closed once a later one has
 * data: scans are written in order, and a scan written late lowers the mark again (the writer
 * does that), so rolling up is idempotent and never misses a sample.
 */
export async function rollupBatch(tx: SqlTx, tier: 'minute' | 'hour'): Promise<{ more: boolean }> {
  const width = TIER_MS[tier];
  const done = await doneUntil(tx, tier);
  const newest =
    tier === 'minute'
      ? (await tx.all<{ ts: number | null }>('SELECT MAX(ts) AS ts FROM scans'))[0]?.ts
      : await doneUntil(tx, 'minute');
  if (newest === null || newest === undefined) return { more: false };
  const closed = Math.floor(Number(newest) / width) * width;
  if (done >= closed) return { more: false };
  const first = await firstSource(tx, tier, done);
  if (first === null) return { more: false };
  const start = Math.max(done, Math.floor(first / width) * width);
  const end = Math.min(closed, start + width * (await bucketsPerBatch(tx, tier, start)));
  if (start < end) {
    if (tier === 'minute') await minutes(tx, start, end);
    else await hours(tx, start, end);
  }
  await tx.run('UPDATE rollup_state SET done_until = ? WHERE tier = ?', [
    Math.max(start, end),
    tier,
  ]);
  return { more: end < closed };
}

/** Where `tier` is rolled up to: buckets before it are complete. */
export async function doneUntil(tx: Pick<SqlTx, 'all'>, tier: 'minute' | 'hour'): Promise<number> {
  const [row] = await tx.all<{ done_until: number }>(
    'SELECT done_until FROM rollup_state WHERE tier = ?',
    [tier],
  );
  return Number(row?.done_until ?? 0);
}

async function firstSource(
  tx: SqlTx,
  tier: 'minute' | 'hour',
  from: number,
): Promise<number | null> {
  const [row] =
    tier === 'minute'
      ? await tx.all<{ t: number | null }>('SELECT MIN(ts) AS t FROM scans WHERE ts >= ?', [from])
      : await tx.all<{ t: number | null }>(
          'SELECT MIN(bucket) AS t FROM service_rollups WHERE tier = 1 AND bucket >= ?',
          [from],
        );
  return row?.t === null || row?.t === undefined ? null : Number(row.t);
}

/** Buckets to roll up in one batch: as many as hold about {@link BATCH_SAMPLES} samples. */
async function bucketsPerBatch(tx: SqlTx, tier: 'minute' | 'hour', start: number): Promise<number> {
  const width = TIER_MS[tier];
  const [row] =
    tier === 'minute'
      ? await tx.all<{ n: number | null }>(
          'SELECT SUM(samples) AS n FROM raw_samples WHERE ts >= ? AND ts < ?',
          [start, start + width],
        )
      : await tx.all<{ n: number | null }>(
          'SELECT COUNT(*) AS n FROM service_rollups WHERE tier = 1 AND bucket >= ? AND bucket < ?',
          [start, start + width],
        );
  // An hour is made of rollups, not samples: count each service-minute as ~1,000 instances.
  const perBucket = Math.max(1, Number(row?.n ?? 0) * (tier === 'hour' ? 1000 : 1));
  return Math.min(60, Math.max(1, Math.floor(BATCH_SAMPLES / perBucket)));
}

const SERVICE_COLUMNS =
  'tier, service_id, bucket, scans, samples, healthy, unreachable, cpu_sum, cpu_min, cpu_max, memory_sum, memory_min, memory_max';
const SERVICE_UPDATE = `ON CONFLICT (tier, service_id, bucket) DO UPDATE SET scans = excluded.scans,
  samples = excluded.samples, healthy = excluded.healthy, unreachable = excluded.unreachable,
  cpu_sum = excluded.cpu_sum, cpu_min = excluded.cpu_min, cpu_max = excluded.cpu_max,
  memory_sum = excluded.memory_sum, memory_min = excluded.memory_min, memory_max = excluded.memory_max`;
const SUMS = `SUM(samples), SUM(healthy), SUM(unreachable), SUM(cpu_sum), MIN(cpu_min), MAX(cpu_max),
  SUM(memory_sum), MIN(memory_min), MAX(memory_max)`;

async function minutes(tx: SqlTx, start: number, end: number): Promise<void> {
  const w = TIER_MS.minute;
  await tx.run(
    `INSERT INTO service_rollups (${SERVICE_COLUMNS})
     SELECT 1, service_id, (ts / ${w}) * ${w}, COUNT(*), ${SUMS}
     FROM raw_samples WHERE ts >= ? AND ts < ? GROUP BY service_id, (ts / ${w}) * ${w}
     ${SERVICE_UPDATE}`,
    [start, end],
  );
  const rows = await tx.all<{ service_id: number; ts: number; data: Uint8Array }>(
    'SELECT service_id, ts, data FROM raw_samples WHERE ts >= ? AND ts < ? ORDER BY service_id, ts',
    [start, end],
  );
  await saveInstanceRollups(
    tx,
    TIER_NUMBER.minute,
    w,
    rows.map((row) => [
      Number(row.service_id),
      Number(row.ts),
      (acc) => acc.addSamples(decodeSamples(row.data)),
    ]),
  );
}

async function hours(tx: SqlTx, start: number, end: number): Promise<void> {
  const w = TIER_MS.hour;
  await tx.run(
    `INSERT INTO service_rollups (${SERVICE_COLUMNS})
     SELECT 2, service_id, (bucket / ${w}) * ${w}, SUM(scans), ${SUMS}
     FROM service_rollups WHERE tier = 1 AND bucket >= ? AND bucket < ?
     GROUP BY service_id, (bucket / ${w}) * ${w}
     ${SERVICE_UPDATE}`,
    [start, end],
  );
  const rows = await tx.all<{ service_id: number; bucket: number; data: Uint8Array }>(
    'SELECT service_id, bucket, data FROM instance_rollups WHERE tier = 1 AND bucket >= ? AND bucket < ? ORDER BY service_id, bucket',
    [start, end],
  );
  await saveInstanceRollups(
    tx,
    TIER_NUMBER.hour,
    w,
    rows.map((row) => [
      Number(row.service_id),
      Number(row.bucket),
      (acc) => acc.addRollups(decodeRollups(row.data)),
    ]),
  );
}

/** Gathers per-instance sources by (service, bucket) and upserts one packed row for each. */
async function saveInstanceRollups(
  tx: SqlTx,
  tier: number,
  width: number,
  sources: readonly (readonly [service: number, ts: number, add: (acc: InstanceRollup) => void])[],
): Promise<void> {
  const groups = new Map<string, { service: number; bucket: number; acc: InstanceRollup }>();
  for (const [service, ts, add] of sources) {
    const bucket = Math.floor(ts / width) * width;
    const key = `${service}:${bucket}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { service, bucket, acc: new InstanceRollup() };
      groups.set(key, group);
    }
    add(group.acc);
  }
  await tx.insertMany({
    table: 'instance_rollups',
    columns: [
      ['tier', 'int'],
      ['service_id', 'bigint'],
      ['bucket', 'bigint'],
      ['data', 'bytes'],
    ],
    rows: [...groups.values()].map((g) => [
      tier,
      g.service,
      g.bucket,
      encodeRollups(g.acc.build()),
    ]),
    conflict: 'ON CONFLICT (tier, service_id, bucket) DO UPDATE SET data = excluded.data',
  });
}
