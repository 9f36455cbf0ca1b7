import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock, settle, until } from '../time/fake-clock.test-helper.ts';
import { testScan } from './backends.test-helper.ts';
import type { HistoryWriter, WriteOutcome } from './history.ts';
import { createMemoryStore } from './memory/memory-store.ts';
import { HistoryRecorder } from './recorder.ts';
import { recordBytes, type ScanRecord } from './scan-record.ts';

const T0 = Date.UTC(2026, 11, 1);

/** A real in-memory store behind a switch: down, it fails like a database that went away. */
class SwitchedWriter implements HistoryWriter {
  readonly store = createMemoryStore({ windowMs: 86_400_000, maxScans: 2880 });
  mode: 'up' | 'down' | 'broken' | 'standby' = 'up';
  attempts = 0;

  async writeScan(scan: ScanRecord): Promise<WriteOutcome> {
    this.attempts++;
    if (this.mode === 'down') {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
        code: 'ECONNREFUSED',
      });
    }
    if (this.mode === 'broken') throw new Error('value out of range');
    if (this.mode === 'standby') return 'standby';
    return this.store.writer.writeScan(scan);
  }

  async times(): Promise<number[]> {
    return (await this.store.info()).scans.rows === 0
      ? []
      : ((
          await this.store.history.series({
            target: { kind: 'service', service: 'A' },
            from: 0,
            to: T0 + 86_400_000,
            stepMs: null,
          })
        )?.ts ?? []);
  }
}

const scan = (i: number) => testScan(T0 + i * 1000, [['10.0.0.1', 'A', i % 100, 10]]);

function setup(maxBufferBytes = 1024 ** 2) {
  const clock = new FakeClock({ wallStart: T0 });
  const writer = new SwitchedWriter();
  const lines: string[] = [];
  const recorder = new HistoryRecorder({
    writer,
    name: 'history store',
    maxBufferBytes,
    clock,
    log: (l) => lines.push(l),
  });
  return { clock, writer, lines, recorder };
}

describe('HistoryRecorder', () => {
  it('queues without waiting and writes every scan in order', async () => {
    const { writer, recorder } = setup();
    for (let i = 0; i < 5; i++) recorder.record(scan(i));
    assert.equal(recorder.status.pending, 5, 'record returns before anything is written');
    await settle();
    assert.deepEqual(
      await writer.times(),
      [0, 1, 2, 3, 4].map((i) => T0 + i * 1000),
    );
    assert.deepEqual(
      [recorder.status.up, recorder.status.pending, recorder.status.written, recorder.status.role],
      [true, 0, 5, 'writer'],
    );
  });

  it('keeps scans while the store is down, retries with backoff, and writes them all when it returns', async () => {
    const { clock, writer, lines, recorder } = setup();
    writer.mode = 'down';
    for (let i = 0; i < 3; i++) recorder.record(scan(i));
    await settle();
    assert.equal(recorder.status.up, false);
    assert.equal(recorder.status.downSince, T0);
    assert.equal(recorder.status.lastError?.at, T0);
    assert.equal(recorder.status.pending, 3);
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /unreachable \(connect ECONNREFUSED.*live data goes on.*1 MiB/);
    // 1 s, 2 s, 4 s: three more attempts in 7 s, still one log line.
    await clock.advance(1000);
    await clock.advance(2000);
    await clock.advance(4000);
    assert.equal(writer.attempts, 4);
    assert.equal(lines.length, 1);
    recorder.record(scan(3));
    writer.mode = 'up';
    await clock.advance(8000);
    assert.deepEqual(
      await writer.times(),
      [0, 1, 2, 3].map((i) => T0 + i * 1000),
    );
    assert.deepEqual(
      [recorder.status.up, recorder.status.pending, recorder.status.downSince],
      [true, 0, null],
    );
    assert.match(lines[1] ?? '', /history store back after 15s; writing 4 waiting scans/);
  });

  it('drops the oldest waiting scans beyond its bound, counts them, and says so once a minute', async () => {
    const bytes = recordBytes(scan(0));
    const { clock, writer, lines, recorder } = setup(bytes * 3);
    writer.mode = 'down';
    for (let i = 0; i < 5; i++) recorder.record(scan(i));
    await settle();
    assert.deepEqual([recorder.status.pending, recorder.status.dropped], [3, 2]);
    const overflow = lines.filter((l) => /write buffer full/.test(l));
    assert.equal(overflow.length, 1);
    assert.match(overflow[0] ?? '', /dropped the 1 oldest waiting scan \(1 in all\)/);
    recorder.record(scan(5));
    assert.equal(
      lines.filter((l) => /write buffer full/.test(l)).length,
      1,
      'not again within a minute',
    );
    await clock.advance(60_000);
    recorder.record(scan(6));
    assert.match(lines.at(-1) ?? '', /dropped the 3 oldest waiting scans \(4 in all\)/);
    writer.mode = 'up';
    await clock.advance(30_000);
    // The newest scans made it; the oldest were given up, and counted.
    assert.deepEqual(
      await writer.times(),
      [4, 5, 6].map((i) => T0 + i * 1000),
    );
  });

  it('gives up on a scan the store rejects as data after three attempts, and goes on', async () => {
    const { clock, writer, lines, recorder } = setup();
    writer.mode = 'broken';
    recorder.record(scan(0));
    recorder.record(scan(1));
    await settle();
    await clock.advance(1000);
    await clock.advance(2000);
    writer.mode = 'up';
    await clock.advance(4000);
    assert.deepEqual(await writer.times(), [T0 + 1000]);
    assert.equal(recorder.status.dropped, 1);
    assert.ok(
      lines.some((l) =>
        /gave up on the scan of .* after 3 attempts: history store: value out of range/.test(l),
      ),
    );
  });

  it('says once that another process writes, and reports standby', async () => {
    const { writer, lines, recorder } = setup();
    writer.mode = 'standby';
    recorder.record(scan(0));
    recorder.record(scan(1));
    await settle();
    assert.equal(recorder.status.role, 'standby');
    assert.equal(lines.filter((l) => /another fleetmon writes/.test(l)).length, 1);
  });

  it('says how many scans it could not write when it stops while the store is down', async () => {
    const { writer, lines, recorder } = setup();
    writer.mode = 'down';
    recorder.record(scan(0));
    recorder.record(scan(1));
    await settle();
    await recorder.close(5000);
    assert.match(lines.at(-1) ?? '', /2 scans not written at shutdown \(the store was down\)/);
    recorder.record(scan(2));
    assert.equal(recorder.status.pending, 2, 'nothing is queued after close');
  });

  it('gives the queue the grace on its clock at close, then says what is left', async () => {
    const clock = new FakeClock({ wallStart: T0 });
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const written: number[] = [];
    const lines: string[] = [];
    const recorder = new HistoryRecorder({
      // A store that takes its time: each write waits for the test to let it through.
      writer: {
        async writeScan(record) {
          await gate;
          written.push(record.ts);
          return 'written';
        },
      },
      name: 'history store',
      maxBufferBytes: 1024 ** 2,
      clock,
      log: (l) => lines.push(l),
    });
    recorder.record(scan(0));
    recorder.record(scan(1));
    let closed = false;
    void recorder.close(5000).then(() => {
      closed = true;
    });
    await clock.advance(4999);
    assert.equal(closed, false, 'waits while the grace lasts');
    await clock.advance(1);
    release();
    await until(() => closed, 'the close', clock);
    assert.deepEqual(written, [T0], 'the write in flight ends; nothing starts after the grace');
    assert.equal(recorder.status.lastWriteMs, 5000, 'timed on the clock');
    assert.match(lines.at(-1) ?? '', /1 scan not written at shutdown \(the store was slow\)/);
  });
});
