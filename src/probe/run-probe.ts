import type { LookupFunction } from 'node:net';
import { formatDuration } from '../core/duration.ts';
import { formatMs } from '../core/probe-record.ts';
import type { ProbeFailure, ProbeResult, ProbeVerdict } from '../core/probe-types.ts';
import { type Clock, sleepUnlessAborted } from '../time/clock.ts';
import type { WallClock } from '../time/wall-clock.ts';
import { checkBody } from './body-assertion.ts';
import { type ClockOutcome, readClock } from './clock-reading.ts';
import { statusMatches } from './expected-status.ts';
import { type ExchangeAnswer, ProbeConnections } from './http-exchange.ts';
import { allowForDrift, halfWidth, midpoint, type OffsetInterval } from './offset-interval.ts';
import { displayUrl, type ProbeSpec } from './probe-spec.ts';
import { sendFollowing } from './redirects.ts';
import { judgeClock } from './verdict.ts';

/** The edges a probe run uses; real ones in production, fakes or loopback in tests. */
export interface ProbeRunDeps {
  /** Our clock to the µs: every time in a result, and the clock reading's. */
  readonly wallClock: WallClock;
  /** Timeouts, and the waits between a clock reading's requests. */
  readonly clock: Clock;
  /** Name resolution; default the system's. */
  readonly lookup?: LookupFunction;
  /** `fleetmon/<version>`. */
  readonly userAgent: string;
}

/**
 * A probe runner: one run of one probe to its result, never rejecting. `previous` is the
 * probe's last result, if any: a Date-only clock reading plans its requests from it.
 */
export type ProbeRunner = (
  spec: ProbeSpec,
  signal?: AbortSignal,
  previous?: ProbeResult,
) => Promise<ProbeResult>;

/** The runner over real (or injected) edges. */
export function createProbeRunner(deps: ProbeRunDeps): ProbeRunner {
  return (spec, signal, previous) => runProbe(spec, deps, signal, previous);
}

/**
 * Runs one probe: the request (redirects followed), then status, body and latency checks, then
 * the clock when asked. Ends within `spec.timeoutMs` whatever the server does.
 */
export async function runProbe(
  spec: ProbeSpec,
  deps: ProbeRunDeps,
  signal?: AbortSignal,
  previous?: ProbeResult,
): Promise<ProbeResult> {
  const { wallClock } = deps;
  const ts = wallClock.now();
  const deadline = ts + spec.timeoutMs;
  const connections = new ProbeConnections({
    wallClock,
    clock: deps.clock,
    insecure: spec.insecure,
    lookup: deps.lookup,
    userAgent: deps.userAgent,
    keepAlive: spec.clock !== undefined,
  });
  const base = { probe: spec.name, url: displayUrl(spec.url), ts };
  try {
    const followed = await sendFollowing(connections, spec, deadline, signal);
    const { outcome, requests } = followed;
    const durationMs = outcome.endAt - ts;
    if (outcome.kind === 'failed') {
      const { failure, reason, status } = outcome;
      return {
        ...base,
        ...notOk('down', failure, reason),
        status,
        latencyMs: null,
        ...NO_READING,
        durationMs,
        requests,
      };
    }
    const answered = { ...base, status: outcome.status, latencyMs: durationMs, durationMs };
    const problem = answerProblem(spec, outcome, durationMs);
    if (problem !== undefined) {
      return {
        ...answered,
        ...notOk('down', problem.failure, problem.reason),
        ...NO_READING,
        requests,
      };
    }
    if (spec.clock === undefined) return { ...answered, ...OK, ...NO_READING, requests };
    // The clock's further requests go where the redirects ended, and never repeat a POST.
    const method =
      followed.method === 'GET' || followed.method === 'HEAD' ? followed.method : 'HEAD';
    const again = { ...followed, spec, method, deadline };
    const reading = await readClock({
      spec: spec.clock,
      first: outcome,
      tls: followed.url.protocol === 'https:',
      again: () => sendAgain(connections, again, signal),
      now: () => wallClock.now(),
      sleep: (ms) => sleepUnlessAborted(deps.clock, ms, signal),
      deadline,
      resolutionMs: wallClock.resolutionMs,
      prior: priorOf(previous, ts),
    });
    return {
      ...answered,
      ...clockFields(reading, spec.clock.maxSkewMs),
      requests: requests + reading.extraRequests,
    };
  } finally {
    connections.close();
  }
}

const OK = { ok: true, verdict: 'ok', failure: null, reason: null } as const;
const NO_READING = { offsetMs: null, uncertaintyMs: null, clockSource: null } as const;

/** One more request like the probe's last, over the connection it left open. */
function sendAgain(
  connections: ProbeConnections,
  last: { url: URL; method: string; spec: ProbeSpec; deadline: number },
  signal: AbortSignal | undefined,
) {
  const { spec } = last;
  return connections.send(
    {
      url: last.url,
      method: last.method,
      headers: spec.headers,
      body: undefined,
      maxBodyBytes: spec.maxBodyBytes,
      deadline: last.deadline,
      timeoutMs: spec.timeoutMs,
    },
    signal,
  );
}

/** The verdict and clock fields of a result from the clock reading. */
function clockFields(
  reading: ClockOutcome,
  maxSkewMs: number | undefined,
): Pick<
  ProbeResult,
  | 'ok'
  | 'verdict'
  | 'failure'
  | 'reason'
  | 'offsetMs'
  | 'uncertaintyMs'
  | 'clockSource'
  | 'clockRttMs'
> {
  if (reading.kind === 'none')
    return { ...notOk('unknown', reading.failure, reading.reason), ...NO_READING };
  const judged = judgeClock(reading.interval, maxSkewMs);
  return {
    ...(judged.verdict === 'ok' ? OK : notOk(judged.verdict, judged.failure, judged.reason)),
    offsetMs: midpoint(reading.interval),
    uncertaintyMs: halfWidth(reading.interval),
    clockSource: reading.source,
    clockRttMs: reading.rttMs,
  };
}

/**
 * Where the last Date-only reading put the offset, widened by the drift since: a plan for
 * where to cut, never a bound (the reading stands on this run's answers alone).
 */
function priorOf(previous: ProbeResult | undefined, now: number): OffsetInterval | undefined {
  if (previous?.clockSource !== 'date') return undefined;
  const { offsetMs, uncertaintyMs } = previous;
  if (offsetMs === null || uncertaintyMs === null) return undefined;
  return allowForDrift(
    { lo: offsetMs - uncertaintyMs, hi: offsetMs + uncertaintyMs },
    now - previous.ts,
  );
}

function notOk(
  verdict: Exclude<ProbeVerdict, 'ok'>,
  failure: ProbeFailure,
  reason: string,
): { ok: false; verdict: ProbeVerdict; failure: ProbeFailure; reason: string } {
  return { ok: false, verdict, failure, reason };
}

/** Why an answer that came is still not right: status, body, then latency. */
function answerProblem(
  spec: ProbeSpec,
  answer: ExchangeAnswer,
  latencyMs: number,
): { failure: ProbeFailure; reason: string } | undefined {
  if (!statusMatches(spec.expectStatus, answer.status)) {
    return {
      failure: 'status',
      reason: `status ${answer.status}, expected ${spec.expectStatus.text}`,
    };
  }
  if (spec.expectBody !== undefined) {
    const why = checkBody(spec.expectBody, answer.body.toString('utf8'));
    if (why !== undefined) return { failure: 'body', reason: why };
  }
  if (spec.maxLatencyMs !== undefined && latencyMs > spec.maxLatencyMs) {
    return {
      failure: 'latency',
      reason: `answered in ${formatMs(latencyMs)}, more than the ${formatDuration(spec.maxLatencyMs)} allowed`,
    };
  }
  return undefined;
}
