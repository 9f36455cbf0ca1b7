// Accuracy trials of the clock reading: the real probe against loopback time servers whose
// offset is known exactly (their clock is ours plus the skew), with delays added on both sides
// of their clock reading. Used by test/integration/probe-clock.test.ts (a few dozen trials) and
// bench/probe-accuracy.ts (500+ per kind).

import type { ProbeVerdict } from '../core/probe-types.ts';
import { systemClock } from '../time/clock.ts';
import { systemWallClock } from '../time/wall-clock.ts';
import { testSpec } from './probe-spec.test-helper.ts';
import type { ProbeSpec } from './probe-spec.ts';
import { type ProbeRunDeps, runProbe } from './run-probe.ts';
import { startTimeServer } from './time-server.test-helper.ts';

/** One trial: a server of a kind, an offset, and how much delay to add. */
export interface Trial {
  readonly mode: 'body' | 'date';
  /** The server's clock minus ours, for the whole trial (ms). */
  readonly skewMs: number;
  /** Each answer waits up to this before and up to this after the server reads its clock (uniform). */
  readonly maxDelayMs: number;
  /** The server closes the connection after every answer. */
  readonly close?: boolean;
}

/** What the probe reported for a trial, against the truth. */
export interface TrialResult {
  readonly trial: Trial;
  readonly verdict: ProbeVerdict;
  readonly offsetMs: number | null;
  readonly uncertaintyMs: number | null;
  /** Whether the true offset lies in the reported interval. */
  readonly inside: boolean;
  readonly requests: number;
  /** Delay the server added around the reading used (body: its only request). */
  readonly addedRttMs: number;
  /** The round trip the probe measured for the reading (its shortest). */
  readonly rttMs: number | null;
  readonly durationMs: number;
  readonly reason: string | null;
}

const MAX_SKEW_MS = 1000;

// Real time on both sides: the trials measure how well a reading against a real clock does.
const wallClock = systemWallClock();
const deps: ProbeRunDeps = { wallClock, clock: systemClock, userAgent: 'fleetmon-trials' };

function specFor(url: string, timeoutMs: number): ProbeSpec {
  return testSpec(url, {
    name: 'trial',
    clock: { maxSkewMs: MAX_SKEW_MS, source: 'auto', requests: 6 },
    intervalMs: timeoutMs,
    timeoutMs,
    maxBodyBytes: 64 * 1024,
    maxRedirects: 0,
  });
}

/**
 * Runs `trials` at most `concurrency` at once; with `sweep`, all on one server whose offset is
 * changed between trials (a clock that is stepped, through zero), one after the other.
 */
export async function runTrials(
  trials: readonly Trial[],
  options: { concurrency: number; timeoutMs: number; sweep?: boolean },
): Promise<TrialResult[]> {
  if (options.sweep === true) return sweep(trials, options.timeoutMs);
  const results: TrialResult[] = new Array(trials.length);
  let next = 0;
  const worker = async () => {
    while (next < trials.length) {
      const i = next++;
      results[i] = await oneTrial(trials[i] as Trial, options.timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, trials.length) }, worker));
  return results;
}

async function sweep(trials: readonly Trial[], timeoutMs: number): Promise<TrialResult[]> {
  const first = trials[0];
  if (first === undefined) return [];
  let skew = first.skewMs;
  let maxDelay = first.maxDelayMs;
  const server = await startTimeServer({
    now: () => wallClock.now(),
    skewMs: () => skew,
    mode: first.mode,
    latency: () => ({ beforeMs: Math.random() * maxDelay, afterMs: Math.random() * maxDelay }),
    ...(first.close === true ? { close: true } : {}),
  });
  try {
    const results: TrialResult[] = [];
    for (const trial of trials) {
      skew = trial.skewMs;
      maxDelay = trial.maxDelayMs;
      results.push(await probeOnce(trial, server, timeoutMs));
    }
    return results;
  } finally {
    await server.close();
  }
}

async function oneTrial(trial: Trial, timeoutMs: number): Promise<TrialResult> {
  const server = await startTimeServer({
    now: () => wallClock.now(),
    skewMs: () => trial.skewMs,
    mode: trial.mode,
    latency: () => ({
      beforeMs: Math.random() * trial.maxDelayMs,
      afterMs: Math.random() * trial.maxDelayMs,
    }),
    ...(trial.close === true ? { close: true } : {}),
  });
  try {
    return await probeOnce(trial, server, timeoutMs);
  } finally {
    await server.close();
  }
}

async function probeOnce(
  trial: Trial,
  server: Awaited<ReturnType<typeof startTimeServer>>,
  timeoutMs: number,
): Promise<TrialResult> {
  const seen = server.delays.length;
  const result = await runProbe(specFor(server.url, timeoutMs), deps);
  const { offsetMs, uncertaintyMs } = result;
  // The interval is [mid - u, mid + u]; a rounding ulp is no miss.
  const inside =
    offsetMs !== null &&
    uncertaintyMs !== null &&
    Math.abs(offsetMs - trial.skewMs) <= uncertaintyMs + 1e-9;
  const used = server.delays[seen];
  return {
    trial,
    verdict: result.verdict,
    offsetMs,
    uncertaintyMs,
    inside,
    requests: result.requests ?? 0,
    addedRttMs: used === undefined ? 0 : used.beforeMs + used.afterMs,
    rttMs: result.clockRttMs ?? null,
    durationMs: wallClock.now() - result.ts,
    reason: result.reason,
  };
}

/** Whether a verdict contradicts the truth: ok for a clock beyond the limit, skewed for one within. */
export function wrongVerdict(result: TrialResult): boolean {
  const beyond = Math.abs(result.trial.skewMs) > MAX_SKEW_MS;
  return beyond ? result.verdict === 'ok' : result.verdict === 'skewed';
}
