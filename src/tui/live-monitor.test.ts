import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { FleetmonError } from '../core/errors.ts';
import type { InstanceRow } from '../core/types.ts';
import { FakeClock, until } from '../time/fake-clock.test-helper.ts';
import { type MonitorSource, runLiveMonitor } from './live-monitor.ts';
import type { ScanResult, Target } from './model.ts';

const ENTER_ALT = '\x1b[?1049h';
const LEAVE_ALT = '\x1b[?1049l';

/** A terminal in memory: what was written, raw mode, and a way to type. */
function fakeTerminal() {
  const stdout = Object.assign(new EventEmitter(), {
    isTTY: true,
    columns: 80,
    rows: 24,
    text: '',
    write(chunk: string) {
      stdout.text += chunk;
      return true;
    },
  });
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    raw: false,
    setRawMode(on: boolean) {
      stdin.raw = on;
      return stdin;
    },
    resume: () => stdin,
    pause: () => stdin,
  });
  const stderr = { text: '', write: (t: string) => (stderr.text += t) };
  return { stdout, stdin, stderr, type: (keys: string) => stdin.emit('data', Buffer.from(keys)) };
}

const ROWS: InstanceRow[] = [
  { ip: '10.0.0.1', service: 'Web', status: 'healthy', cpu: 10, memory: 20 },
];

function source(fail?: (n: number) => unknown): MonitorSource & { scans: Target[] } {
  const scans: Target[] = [];
  return {
    scans,
    async scan(target): Promise<ScanResult> {
      scans.push(target);
      const error = fail?.(scans.length);
      if (error !== undefined) throw error;
      return { target, at: 0, durationMs: 1, retries: 0, rows: ROWS, serviceName: 'Web' };
    },
  };
}

const INTERVAL_MS = 100;

/**
 * Moves `clock` on an interval at a time until `run` has ended, and returns it; a run that is
 * still going after `limit` intervals fails the test.
 */
async function finish(clock: FakeClock, run: Promise<void>, limit = 20): Promise<void> {
  let ended = false;
  const watched = run.finally(() => (ended = true));
  watched.catch(() => {});
  for (let i = 0; !ended; i++) {
    if (i === limit) throw new Error(`still running after ${limit} intervals`);
    await clock.advance(INTERVAL_MS);
  }
  return watched;
}

function options(
  term: ReturnType<typeof fakeTerminal>,
  src: MonitorSource,
  signal: AbortSignal,
  clock = new FakeClock(),
) {
  return {
    io: term as never,
    source: src,
    config: {
      rules: { maxCpu: 75, maxMemory: 75, minHealthy: 2 },
      color: false,
      historyMs: 60_000,
      intervalMs: INTERVAL_MS,
      formatTime: () => '00:00:00',
    },
    service: 'web',
    signal,
    clock,
  };
}

describe('runLiveMonitor', () => {
  it('draws in the alternate screen, quits on q, and gives the terminal back', async () => {
    const term = fakeTerminal();
    const clock = new FakeClock();
    const run = runLiveMonitor(options(term, source(), new AbortController().signal, clock));
    await until(() => term.stdout.text.includes('10.0.0.1'), 'the first frame', clock);
    assert.equal(term.stdin.raw, true);
    assert.match(term.stdout.text, /10\.0\.0\.1/);
    term.type('q');
    await run;
    assert.ok(term.stdout.text.startsWith(ENTER_ALT));
    assert.ok(term.stdout.text.endsWith(LEAVE_ALT));
    assert.equal(term.stdin.raw, false);
    assert.equal(term.stdin.listenerCount('data'), 0);
    assert.equal(term.stdout.listenerCount('resize'), 0);
  });

  it('stops after --count scans, and on the abort signal', async () => {
    const term = fakeTerminal();
    const src = source();
    const clock = new FakeClock();
    const signal = new AbortController().signal;
    await finish(clock, runLiveMonitor({ ...options(term, src, signal, clock), count: 3 }));
    assert.equal(src.scans.length, 3);
    assert.equal(clock.now(), 2 * INTERVAL_MS, 'one interval between scans');
    const stop = new AbortController();
    const run = runLiveMonitor(options(fakeTerminal(), source(), stop.signal));
    stop.abort();
    await run;
  });

  it('fails on a first-scan error after restoring the screen; later errors only show', async () => {
    const term = fakeTerminal();
    const down = new FleetmonError('provider-unreachable', 'cannot reach the provider');
    await assert.rejects(
      runLiveMonitor(
        options(
          term,
          source(() => down),
          new AbortController().signal,
        ),
      ),
      /cannot reach/,
    );
    assert.ok(term.stdout.text.endsWith(LEAVE_ALT));

    const later = fakeTerminal();
    const clock = new FakeClock();
    const run = runLiveMonitor({
      ...options(
        later,
        source((n) => (n === 2 ? down : undefined)),
        new AbortController().signal,
        clock,
      ),
      count: 2,
    });
    await finish(clock, run);
    assert.match(later.stdout.text, /scan failed 00:00:00: cannot reach the provider/);
  });

  it('rejects on an internal error and still restores the screen', async () => {
    const term = fakeTerminal();
    const bug = source((n) => (n === 2 ? new TypeError('bug') : undefined));
    const clock = new FakeClock();
    await assert.rejects(
      finish(clock, runLiveMonitor(options(term, bug, new AbortController().signal, clock))),
      TypeError,
    );
    assert.ok(term.stdout.text.endsWith(LEAVE_ALT));
    assert.equal(term.stdin.raw, false);
  });

  it('opens a service from the list with enter, which scans it at once', async () => {
    const term = fakeTerminal();
    const src = source();
    const clock = new FakeClock();
    const run = runLiveMonitor({
      ...options(term, src, new AbortController().signal, clock),
      service: null,
    });
    await until(() => term.stdout.text.includes('Web'), 'the list', clock);
    term.type('\r');
    await until(() => src.scans.length >= 2, 'the service scan', clock);
    assert.equal(clock.now(), 0, 'scanned at once, not at the next interval');
    term.type('\x03');
    await run;
    assert.deepEqual(src.scans.slice(0, 2), [{ kind: 'fleet' }, { kind: 'service', name: 'Web' }]);
  });
});
