import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '../time/fake-clock.test-helper.ts';
import { createTestDatabase, type TestDatabase, testScan } from './backends.test-helper.ts';
import { createMemoryStore } from './memory/memory-store.ts';
import type { Store } from './store.ts';

// What every store answers alike, in memory, in SQLite and in PostgreSQL: series per scan and
// per step, an instance by IP, the busiest members, transitions, and restarts.

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const S = 15_000;

const BACKENDS = ['memory', 'sqlite', 'postgres'] as const;

for (const backend of BACKENDS) {
  describe(`history store contract (${backend})`, () => {
    let db: TestDatabase | undefined;
    let store: Store;
    const clock = new FakeClock({ wallStart: T0 });

    const open = async (): Promise<Store> =>
      db === undefined
        ? createMemoryStore({ windowMs: 3_600_000, maxScans: 1000 })
        : db.open({ clock });

    before(async () => {
      if (backend !== 'memory') db = await createTestDatabase(backend);
      store = await open();
      await store.migrate({ dryRun: false });
      const scans = [
        [
          ['10.0.0.1', 'Pay', 10, 20],
          ['10.0.0.2', 'Pay', 30, 40],
          ['10.0.0.3', 'Geo', 90, 10],
        ],
        [
          ['10.0.0.1', 'Pay', 20, 30],
          ['10.0.0.2', null, null, null],
          ['10.0.0.3', 'Geo', 50, 10],
        ],
        [
          ['10.0.0.1', 'Pay', 80, 30],
          ['10.0.0.3', 'Geo', 50, 10],
          ['10.0.0.4', 'Pay', 40, 40],
        ],
      ] as const;
      for (const [i, rows] of scans.entries()) {
        assert.equal(await store.writer.writeScan(testScan(T0 + i * S, rows)), 'written');
      }
    });
    after(async () => {
      await store.close();
      await db?.drop();
    });

    it('answers a service per scan: means over answering instances, counts, extremes', async () => {
      const s = await store.history.series({
        target: { kind: 'service', service: 'Pay' },
        from: T0,
        to: T0 + 3 * S,
        stepMs: null,
      });
      assert.ok(s);
      assert.equal(s.service, 'Pay');
      assert.deepEqual(s.ts, [T0, T0 + S, T0 + 2 * S]);
      assert.deepEqual(s.samples, [2, 2, 2]);
      // 10.0.0.2 was unreachable without naming its service: it stays with Pay.
      assert.deepEqual(s.unreachable, [0, 1, 0]);
      assert.deepEqual(s.healthy, [2, 1, 1]);
      assert.deepEqual(s.cpu, [20, 20, 60]);
      assert.deepEqual(s.cpuMin, [10, 20, 40]);
      assert.deepEqual(s.cpuMax, [30, 20, 80]);
      assert.deepEqual(s.memory, [30, 30, 35]);
    });

    it('answers per step, aggregating scans exactly', async () => {
      const s = await store.history.series({
        target: { kind: 'service', service: 'pay' },
        from: T0,
        to: T0 + 60_000,
        stepMs: 60_000,
      });
      assert.ok(s);
      assert.equal(s.stepMs, 60_000);
      assert.deepEqual(s.ts, [T0]);
      assert.deepEqual(s.scans, [3]);
      assert.deepEqual(s.samples, [6]);
      assert.deepEqual(s.unreachable, [1]);
      // (10 + 30 + 20 + 80 + 40) / 5 answering samples
      assert.deepEqual(s.cpu, [36]);
      assert.deepEqual(s.cpuMax, [80]);
    });

    it('answers an instance by IP, across the service it was in', async () => {
      const s = await store.history.series({
        target: { kind: 'instance', ip: '10.0.0.2' },
        from: T0,
        to: T0 + 3 * S,
        stepMs: null,
      });
      assert.ok(s);
      assert.equal(s.ip, '10.0.0.2');
      assert.equal(s.service, 'Pay');
      assert.deepEqual(s.samples, [1, 1, 0]);
      assert.deepEqual(s.unreachable, [0, 1, 0]);
      assert.deepEqual(s.cpu, [30, null, null]);
    });

    it('gives the busiest members as lines when asked', async () => {
      const s = await store.history.series({
        target: { kind: 'service', service: 'Pay' },
        from: T0,
        to: T0 + 3 * S,
        stepMs: null,
        members: 1,
      });
      assert.ok(s?.members);
      const lines = Object.fromEntries(s.members.map((m) => [m.ip, m.cpu]));
      // In the last scan 10.0.0.1 leads on cpu and 10.0.0.4 on memory.
      assert.deepEqual(lines, { '10.0.0.1': [10, 20, 80], '10.0.0.4': [null, null, 40] });
    });

    it('lists transitions with their values, and none for the baseline scan', async () => {
      const events = await store.history.events({
        target: { kind: 'service', service: 'Pay' },
        from: T0,
        to: T0 + 3 * S,
        limit: 100,
      });
      const lines = events.map(
        (e) =>
          `${e.ts - T0} ${e.subject} ${e.kind} ${e.from}->${e.to} ${e.cpu ?? ''}${e.reason ?? ''}`,
      );
      assert.deepEqual(lines, [
        `${S} 10.0.0.2 changed healthy->unreachable HTTP 500`,
        `${2 * S} 10.0.0.1 changed healthy->unhealthy 80`,
        `${2 * S} 10.0.0.4 appeared null->healthy 40`,
        `${2 * S} 10.0.0.2 gone unreachable->null `,
      ]);
      const geo = await store.history.events({
        target: { kind: 'instance', ip: '10.0.0.3' },
        from: T0,
        to: T0 + 3 * S,
        limit: 100,
      });
      assert.deepEqual(
        geo.map((e) => `${e.kind} ${e.from}->${e.to}`),
        ['changed unhealthy->healthy'],
      );
    });

    it('names its services and says nothing of unknown ones', async () => {
      assert.deepEqual(await store.history.services(), ['Geo', 'Pay']);
      const none = { from: T0, to: T0 + 3 * S, stepMs: null } as const;
      assert.equal(
        await store.history.series({ target: { kind: 'service', service: 'Nope' }, ...none }),
        undefined,
      );
      assert.equal(
        await store.history.series({ target: { kind: 'instance', ip: '10.9.9.9' }, ...none }),
        undefined,
      );
    });

    it('stores a scan once, however often it is written', async () => {
      assert.equal(
        await store.writer.writeScan(testScan(T0 + 2 * S, [['10.0.0.1', 'Pay', 1, 1]])),
        'duplicate',
      );
      const s = await store.history.series({
        target: { kind: 'service', service: 'Pay' },
        from: T0,
        to: T0 + 3 * S,
        stepMs: 60_000,
      });
      assert.deepEqual(s?.samples, [6]);
    });

    if (backend !== 'memory') {
      it('carries the fleet state across a restart: no false appearances, gone still found', async () => {
        await store.close();
        store = await open();
        await store.writer.writeScan(
          testScan(T0 + 3 * S, [
            ['10.0.0.1', 'Pay', 80, 30],
            ['10.0.0.4', 'Pay', 40, 40],
          ]),
        );
        const events = await store.history.events({
          target: { kind: 'service', service: 'Geo' },
          from: T0 + 3 * S,
          to: T0 + 4 * S,
          limit: 100,
        });
        assert.deepEqual(
          events.map((e) => `${e.scope} ${e.subject} ${e.kind}`),
          ['instance 10.0.0.3 gone', 'service Geo gone'],
        );
        const pay = await store.history.events({
          target: { kind: 'service', service: 'Pay' },
          from: T0 + 3 * S,
          to: T0 + 4 * S,
          limit: 100,
        });
        assert.deepEqual(pay, []);
      });
    }
    it('follows an instance by IP across the services it moved between, and back after leaving', async () => {
      const at = T0 + 10 * S;
      await store.writer.writeScan(testScan(at, [['10.0.9.9', 'Left', 10, 10]]));
      await store.writer.writeScan(testScan(at + S, [['10.0.9.9', 'Right', 20, 10]]));
      await store.writer.writeScan(testScan(at + 2 * S, []));
      await store.writer.writeScan(testScan(at + 3 * S, [['10.0.9.9', 'Third', 30, 10]]));
      const s = await store.history.series({
        target: { kind: 'instance', ip: '10.0.9.9' },
        from: at,
        to: at + 4 * S,
        stepMs: null,
      });
      assert.deepEqual([s?.service, s?.cpu], ['Third', [10, 20, null, 30]]);
    });
  });
}
