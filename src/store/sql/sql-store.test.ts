import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import type { ProbeResult } from '../../core/probe-types.ts';
import { FakeClock } from '../../time/fake-clock.test-helper.ts';
import {
  createTestDatabase,
  SQL_BACKENDS,
  type TestDatabase,
  type TestRow,
  testScan,
} from '../backends.test-helper.ts';
import { DEFAULT_RETENTION } from '../retention.ts';
import type { Store } from '../store.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);

/** A fleet whose values move with time, so rollups have something to add up. */
function rowsAt(i: number): TestRow[] {
  return [
    ['10.1.0.1', 'Pay', 10 + (i % 7), 20 + (i % 5)],
    ['10.1.0.2', 'Pay', i % 3 === 0 ? null : 30 + (i % 11), 40],
    ['10.1.0.3', 'Geo', 60 + (i % 30), 10],
  ];
}

for (const backend of SQL_BACKENDS) {
  describe(`SQL store (${backend})`, () => {
    const dbs: TestDatabase[] = [];
    const fresh = async () => {
      const db = await createTestDatabase(backend);
      dbs.push(db);
      return db;
    };
    after(async () => {
      for (const db of dbs) await db.drop();
    });

    describe('migrations', () => {
      it('applies every migration once, records it, and reports the version', async () => {
        const db = await fresh();
        const store = await db.open();
        const dry = await store.migrate({ dryRun: true });
        assert.deepEqual(
          dry.pending.map((m) => m.name),
          ['0001_history', '0002_probe_results', '0003_alerts'],
        );
        const first = await store.migrate({ dryRun: false });
        assert.deepEqual([first.before, first.after, first.applied.length], [0, 3, 3]);
        const again = await (await db.open()).migrate({ dryRun: false });
        assert.deepEqual([again.before, again.after, again.applied.length], [3, 3, 0]);
        const status = await store.checkSchema();
        assert.deepEqual([status.version, status.latest, status.pending.length], [3, 3, 0]);
      });

      it('migrates exactly once when several processes start together', async () => {
        const db = await fresh();
        const stores = await Promise.all([db.open(), db.open(), db.open()]);
        const reports = await Promise.all(stores.map((s) => s.migrate({ dryRun: false })));
        assert.equal(reports.flatMap((r) => r.applied).length, 3);
        assert.equal((await stores[0]!.checkSchema()).applied.length, 3);
      });

      it('refuses a schema newer than this fleetmon, and an applied migration that was edited', async () => {
        const db = await fresh();
        const store = await db.open();
        await store.migrate({ dryRun: false });
        await store.writer.writeScan(testScan(T0, rowsAt(0)));
        await rawSql(db, "INSERT INTO schema_migrations VALUES (99, '0099_future', 'x', 0)");
        await assert.rejects(
          () => db.open().then((s) => s.migrate({ dryRun: false })),
          (err: Error & { code?: string }) => {
            assert.equal(err.code, 'store-refused');
            assert.match(err.message, /schema version 99, newer than this fleetmon knows \(3\)/);
            return true;
          },
        );
        await rawSql(db, 'DELETE FROM schema_migrations WHERE version = 99');
        await rawSql(db, "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
        await assert.rejects(
          () => store.checkSchema(),
          /0001_history was changed after it was applied/,
        );
      });

      it('tells a reader that needs a migration, and never creates what it reads', async () => {
        const db = await fresh();
        const reader = await db.open({ mode: 'read' }).catch((err: Error) => err);
        if (backend === 'sqlite') {
          assert.ok(reader instanceof Error);
          assert.match(reader.message, /no history store at .*history\.db/);
        } else {
          assert.ok(!(reader instanceof Error));
          assert.deepEqual((await reader.checkSchema()).version, 0);
        }
      });

      it('stamps each applied migration in epoch ms, a time other processes and people read', async () => {
        const db = await fresh();
        const store = await db.open({ clock: new FakeClock({ wallStart: T0 }) });
        await store.migrate({ dryRun: false });
        const { applied } = await store.checkSchema();
        assert.ok(applied.length > 0);
        assert.deepEqual(
          applied.map((m) => m.appliedAt),
          applied.map(() => T0),
        );
      });
    });

    describe('writers', () => {
      it('lets one writer at a time write; another takes over when it stops', async () => {
        const db = await fresh();
        const clock = new FakeClock({ wallStart: T0 });
        const a = await db.open({ clock });
        const b = await db.open({ clock });
        assert.equal(await a.writer.writeScan(testScan(T0, rowsAt(0))), 'written');
        assert.equal(await b.writer.writeScan(testScan(T0 + 1000, rowsAt(1))), 'standby');
        assert.equal(await a.writer.writeScan(testScan(T0 + 15_000, rowsAt(1))), 'written');
        await a.close();
        assert.equal(await b.writer.writeScan(testScan(T0 + 30_000, rowsAt(2))), 'written');
        const s = await b.history.series({
          target: { kind: 'service', service: 'Geo' },
          from: T0,
          to: T0 + MINUTE,
          stepMs: null,
        });
        // Three scans, each once: the standby's scan was not written.
        assert.deepEqual(s?.ts, [T0, T0 + 15_000, T0 + 30_000]);
        assert.deepEqual(s?.samples, [1, 1, 1]);
      });

      if (backend === 'sqlite') {
        it('hands the lease over when a writer stops renewing it', async () => {
          const db = await fresh();
          const clock = new FakeClock({ wallStart: T0 });
          const a = await db.open({ clock, leaseMs: 60_000 });
          const b = await db.open({ clock, leaseMs: 60_000 });
          assert.equal(await a.writer.writeScan(testScan(T0, rowsAt(0))), 'written');
          await clock.advance(59_000);
          assert.equal(await b.writer.writeScan(testScan(T0 + 59_000, rowsAt(1))), 'standby');
          await clock.advance(2_000);
          assert.equal(await b.writer.writeScan(testScan(T0 + 61_000, rowsAt(1))), 'written');
          assert.equal(await a.writer.writeScan(testScan(T0 + 62_000, rowsAt(2))), 'standby');
          // b took over with a's state: no instance "appeared" again.
          const events = await b.history.events({
            target: { kind: 'service', service: 'Pay' },
            from: T0,
            to: T0 + HOUR,
            limit: 100,
          });
          assert.ok(
            events.every((e) => e.kind !== 'appeared'),
            JSON.stringify(events),
          );
        });
      }
    });

    describe('rollups and retention', () => {
      let clock: FakeClock;
      let store: Store;

      afterEach(async () => store?.close());

      /** Writes a scan every `every` ms for `minutes`. */
      const fill = async (minutes: number, from = T0, every = 15_000) => {
        for (let i = 0; i < (minutes * MINUTE) / every; i++) {
          const ts = from + i * every;
          if (clock.wallNow() < ts) await clock.advance(ts - clock.wallNow());
          assert.equal(await store.writer.writeScan(testScan(ts, rowsAt(i))), 'written');
        }
      };
      const drain = async () => {
        for (let i = 0; i < 1000 && (await store.maintenance.maintain()).more; i++);
      };
      const series = (from: number, to: number, stepMs: number | null, target = 'Pay') =>
        store.history.series({
          target: { kind: 'service', service: target },
          from,
          to,
          stepMs,
          members: 5,
        });

      it('rolls minutes and hours up exactly: the same answer from raw samples and from rollups', async () => {
        const db = await fresh();
        clock = new FakeClock({ wallStart: T0 });
        store = await db.open({ clock });
        await fill(150, T0, MINUTE);
        const before = {
          minute: await series(T0, T0 + 2 * HOUR, MINUTE),
          hour: await series(T0, T0 + 2 * HOUR, HOUR),
          ip: await store.history.series({
            target: { kind: 'instance', ip: '10.1.0.2' },
            from: T0,
            to: T0 + 2 * HOUR,
            stepMs: 5 * MINUTE,
          }),
        };
        assert.equal(before.minute?.tier, 'raw');
        await drain();
        const info = await store.info();
        const [, minute, hour] = info.tiers;
        assert.equal(minute?.rolledUntil, T0 + 149 * MINUTE);
        assert.equal(hour?.rolledUntil, T0 + 2 * HOUR);
        const afterwards = {
          minute: await series(T0, T0 + 2 * HOUR, MINUTE),
          hour: await series(T0, T0 + 2 * HOUR, HOUR),
          ip: await store.history.series({
            target: { kind: 'instance', ip: '10.1.0.2' },
            from: T0,
            to: T0 + 2 * HOUR,
            stepMs: 5 * MINUTE,
          }),
        };
        assert.equal(afterwards.minute?.tier, 'minute');
        assert.equal(afterwards.hour?.tier, 'hour');
        assert.equal(afterwards.ip?.tier, 'minute');
        assert.deepEqual({ ...afterwards.minute, tier: 'raw' }, before.minute);
        assert.deepEqual({ ...afterwards.hour, tier: 'raw' }, before.hour);
        assert.deepEqual({ ...afterwards.ip, tier: 'raw' }, before.ip);
        assert.equal(before.hour?.samples[0], 60 * 2);
      });

      it('takes a scan written late into the rollups it belongs to', async () => {
        const db = await fresh();
        clock = new FakeClock({ wallStart: T0 });
        store = await db.open({ clock });
        await fill(3);
        await fill(1, T0 + 10 * MINUTE);
        await drain();
        const late = T0 + 5 * MINUTE;
        await store.writer.writeScan(testScan(late, [['10.1.0.1', 'Pay', 99, 99]]));
        await drain();
        const s = await series(T0 + 5 * MINUTE, T0 + 6 * MINUTE, MINUTE);
        assert.equal(s?.tier, 'minute');
        assert.deepEqual([s?.samples, s?.cpuMax], [[1], [99]]);
      });

      it('prunes each tier after its retention, never before it is rolled up', async () => {
        const db = await fresh();
        clock = new FakeClock({ wallStart: T0 });
        const retention = { ...DEFAULT_RETENTION, raw: HOUR, minute: 3 * HOUR };
        store = await db.open({ clock, retention });
        await fill(90);
        await drain();
        let info = await store.info();
        // Now is T0 + 89m45s: raw samples are kept an hour, minutes three.
        assert.equal(info.scans.oldest, T0 + 29 * MINUTE + 45_000);
        assert.equal(info.tiers[1]?.oldest, T0);
        const early = await series(T0, T0 + 30 * MINUTE, MINUTE);
        assert.deepEqual([early?.tier, early?.samples[0]], ['minute', 8]);
        await clock.advance(2 * HOUR);
        await drain();
        info = await store.info();
        // The last minute is not rolled up (no later scan closed it): kept, whatever its age.
        assert.deepEqual([info.scans.rows, info.scans.oldest], [4, T0 + 89 * MINUTE]);
        assert.equal(info.tiers[1]?.oldest, T0 + 30 * MINUTE);
        assert.equal(info.tiers[2]?.oldest, T0);
        // Asked at a minute step from where only hours are kept, the answer widens to hours
        // and still adds up every sample: hours, then minutes, then the raw tail.
        const old = await series(T0, T0 + 2 * HOUR, MINUTE);
        assert.deepEqual([old?.tier, old?.stepMs, old?.ts.length], ['hour', HOUR, 2]);
        assert.equal(
          old?.samples.reduce((a, b) => a + b, 0),
          90 * 4 * 2,
        );
      });

      it('forgets instances gone for longer than the hour tier keeps', async () => {
        const db = await fresh();
        clock = new FakeClock({ wallStart: T0 });
        const retention = {
          ...DEFAULT_RETENTION,
          raw: HOUR,
          minute: 3 * HOUR,
          hour: 2 * 86_400_000,
        };
        store = await db.open({ clock, retention });
        await fill(2);
        await store.writer.writeScan(testScan(T0 + 2 * MINUTE, [['10.1.0.1', 'Pay', 1, 1]]));
        await clock.advance(3 * 86_400_000);
        await drain();
        const info = await store.info();
        assert.deepEqual(info.instances, { present: 1, known: 1 });
      });
    });

    describe('probe results', () => {
      const result = (probe: string, ts: number, ok = true): ProbeResult => ({
        probe,
        url: `http://127.0.0.1:9001/${probe}`,
        ts,
        ok,
        verdict: ok ? 'ok' : 'down',
        status: ok ? 200 : null,
        latencyMs: ok ? 12.5 : null,
        offsetMs: ok ? -3 : null,
        uncertaintyMs: ok ? 1.5 : null,
        failure: ok ? null : 'connect',
        reason: ok ? null : 'connection refused',
      });

      it('appends results and reads one probe back between two times', async () => {
        const db = await fresh();
        const store = await db.open();
        const results = [result('time', T0), result('web', T0 + 5), result('time', T0 + 10, false)];
        assert.equal(await store.probes.appendProbeResults(results), true);
        assert.equal(await store.probes.appendProbeResults([results[0]!]), true);
        assert.deepEqual(await store.probes.probeNames(), ['time', 'web']);
        assert.deepEqual(await store.probes.probeResults('time', T0, T0 + 11), [
          results[0],
          results[2],
        ]);
        assert.deepEqual(await store.probes.probeResults('time', T0 + 1, T0 + 11), [results[2]]);
        const standby = await db.open();
        assert.equal(await standby.probes.appendProbeResults([result('time', T0 + 20)]), false);
      });

      it('keeps results whose start time has a fraction of a millisecond, as probes read it', async () => {
        const store = await (await fresh()).open();
        assert.equal(await store.probes.appendProbeResults([result('time', T0 + 0.6)]), true);
        assert.deepEqual(await store.probes.probeResults('time', T0, T0 + 2), [
          result('time', T0 + 1),
        ]);
      });
    });

    describe('store info', () => {
      it('reports backend, schema, size, tiers, events and the writer', async () => {
        const db = await fresh();
        const clock = new FakeClock({ wallStart: T0 });
        const store = await db.open({ clock });
        await store.writer.writeScan(testScan(T0, rowsAt(0)));
        await store.writer.writeScan(testScan(T0 + 15_000, rowsAt(1)));
        const info = await store.info();
        assert.equal(info.backend, backend);
        assert.deepEqual(info.schema, { version: 3, latest: 3 });
        assert.ok((info.sizeBytes ?? 0) > 0);
        assert.deepEqual(info.scans, { rows: 2, oldest: T0, newest: T0 + 15_000 });
        assert.deepEqual([info.tiers[0]?.rows, info.tiers[0]?.samples], [4, 6]);
        assert.deepEqual(info.instances, { present: 3, known: 3 });
        assert.deepEqual(info.services, { present: 2, known: 2 });
        assert.ok(info.writer !== null);
        // 10.1.0.2 came back from unreachable.
        assert.equal(info.events.rows, 1);
        assert.deepEqual(info.alerting, { firing: 0, pending: 0, queued: 0, silences: 0 });
        const alert = {
          fingerprint: 'f1',
          rule: 'InstanceUnreachable',
          key: '10.1.0.2',
          labels: { alertname: 'InstanceUnreachable', instance: '10.1.0.2' },
          annotations: {},
          activeAt: T0,
          startsAt: T0,
          endsAt: null,
          flapping: false,
          window: { bits: 1, count: 1 },
          okStreak: 0,
        };
        await store.alerts.saveAlerts(
          [
            { ...alert, state: 'firing' },
            { ...alert, fingerprint: 'f2', key: '10.1.0.3', state: 'pending', startsAt: null },
          ],
          [],
        );
        const notified = { ...alert, status: 'firing' as const, startsAt: T0 };
        await store.alerts.enqueue(
          { receiver: 'hook', groupKey: 'hook:0:{}', groupLabels: {}, alerts: [notified] },
          T0,
        );
        const silence = { matchers: ['service="Pay"'], createdBy: 'ana', comment: 'deploy' };
        const times = { startsAt: T0, createdAt: T0, updatedAt: T0 };
        await store.alerts.saveSilence({ id: 's1', ...silence, ...times, endsAt: T0 + 3_600_000 });
        await store.alerts.saveSilence({ id: 's2', ...silence, ...times, endsAt: T0 - 1 });
        assert.deepEqual((await store.info()).alerting, {
          firing: 1,
          pending: 1,
          queued: 1,
          silences: 1,
        });
        if (backend === 'sqlite') {
          // The lease runs out at an epoch time, which every process reading the file shares.
          assert.equal(info.writer.until, T0 + 60_000);
          await clock.advance(60_001);
          assert.equal((await store.info()).writer, null, 'nobody writes once it has run out');
        }
      });
    });
  });
}

/** Runs SQL on a test database directly (to play a newer fleetmon, or an edited file). */
async function rawSql(db: TestDatabase, sql: string): Promise<void> {
  if (db.location.kind === 'sqlite') {
    const { DatabaseSync } = await import('node:sqlite');
    const raw = new DatabaseSync(db.location.path, { timeout: 5000 });
    raw.exec(sql);
    raw.close();
    return;
  }
  if (db.location.kind !== 'postgres') return;
  const pg = (await import('pg')).default;
  const client = new pg.Client({
    connectionString: db.location.url,
    options: '-c search_path=fleetmon',
  });
  await client.connect();
  await client.query(sql);
  await client.end();
}
