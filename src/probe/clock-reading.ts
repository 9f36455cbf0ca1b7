// Reading a server's clock from answers: a body timestamp (NTP-style) when there is one finer than
// a second, else the `Date` header narrowed by further requests timed at the server's second
// boundary (htpdate). Every answer contributes an interval that holds the truth at its time; the
// reading is their intersection once each is widened by what the clocks may drift while the
// reading is taken, so it holds the offset at every instant of the probe.
import type { ClockSource, ProbeFailure } from '../core/probe-types.ts';
import { findBodyStamp } from './body-timestamp.ts';
import { parseHttpDate } from './http-date.ts';
import type { ExchangeAnswer, ExchangeFailed } from './http-exchange.ts';
import {
  allowForDrift,
  dateInterval,
  halfWidth,
  intersect,
  nextCut,
  nextDateSend,
  type OffsetInterval,
  stampInterval,
} from './offset-interval.ts';
import { CLOCK_TARGET_MS, type ClockSpec } from './probe-spec.ts';

/** What the clock reading came to. */
export type ClockOutcome =
  | {
      readonly kind: 'reading';
      readonly interval: OffsetInterval;
      readonly source: ClockSource;
      /** Requests sent after the first answer. */
      readonly extraRequests: number;
      /** The shortest round trip of the answers read. */
      readonly rttMs: number;
    }
  | {
      readonly kind: 'none';
      readonly failure: ProbeFailure;
      readonly reason: string;
      readonly extraRequests: number;
    };

/** What the reading needs from the probe run. */
export interface ClockReadingContext {
  readonly spec: ClockSpec;
  /** The first answer (the probe's own, after redirects). */
  readonly first: ExchangeAnswer;
  /** Whether the connection is TLS (its first request's time includes the handshake). */
  readonly tls: boolean;
  /** Sends one more request like the first over the same connection. */
  readonly again: () => Promise<ExchangeAnswer | ExchangeFailed>;
  readonly now: () => number;
  /** Waits `ms`; resolves false when the run is stopped meanwhile. */
  readonly sleep: (ms: number) => Promise<boolean>;
  /** By our clock: no request may be planned to end after it. */
  readonly deadline: number;
  /** How far our clock readings may be off. */
  readonly resolutionMs: number;
  /**
   * Where an earlier reading put the offset (a probe run again by `serve`): the Date-only
   * narrowing cuts just past its edges while this run's answers agree with it, so it needs
   * fewer requests. It only plans the requests; the reading rests on this run's answers.
   */
  readonly prior?: OffsetInterval | undefined;
}

/** One answer's contribution. */
type Sample =
  | {
      readonly kind: 'interval';
      readonly interval: OffsetInterval;
      readonly source: ClockSource;
      readonly rttMs: number;
    }
  | { readonly kind: 'cached'; readonly age: string }
  | { readonly kind: 'problem'; readonly failure: ProbeFailure; readonly reason: string };

/** Reads the clock, sending at most `spec.requests - 1` further requests, never past the deadline. */
export async function readClock(ctx: ClockReadingContext): Promise<ClockOutcome> {
  const intervals: OffsetInterval[] = [];
  let source: ClockSource | undefined;
  let cachedAge: string | undefined;
  let answer = ctx.first;
  let extraRequests = 0;
  let rttMs = Number.POSITIVE_INFINITY;
  const none = (failure: ProbeFailure, reason: string): ClockOutcome => ({
    kind: 'none',
    failure,
    reason,
    extraRequests,
  });
  for (;;) {
    const sample = sampleOf(answer, ctx.spec, ctx.resolutionMs);
    if (sample.kind === 'problem') {
      // Later answers' problems only end the narrowing; the reading so far stands.
      if (intervals.length === 0) return none(sample.failure, sample.reason);
      break;
    }
    if (sample.kind === 'cached') cachedAge = sample.age;
    else {
      source ??= sample.source;
      intervals.push(sample.interval);
      rttMs = Math.min(rttMs, sample.rttMs);
    }
    const current = widened(intervals, answer.endAt - ctx.first.sentAt);
    if (intervals.length > 0 && current === undefined) {
      return none(
        'bad_date',
        "the server's clock readings contradict each other (its clock was stepped, or an answer was stale)",
      );
    }
    if (!wantsMore(current, source, answer, ctx) || extraRequests + 1 >= ctx.spec.requests) break;
    const sendAt =
      current === undefined || source === 'body'
        ? ctx.now()
        : nextDateSend(nextCut(current, ctx.prior), leadOf(answer), ctx.now() + 1);
    if (sendAt + expectedDuration(answer) > ctx.deadline) break;
    if (!(await ctx.sleep(Math.max(0, sendAt - ctx.now())))) break;
    const next = await ctx.again();
    extraRequests++;
    if (next.kind === 'failed') break;
    answer = next;
  }
  const current = widened(intervals, answer.endAt - ctx.first.sentAt);
  if (current === undefined || source === undefined) {
    return cachedAge === undefined
      ? none('no_date', 'no answer to read the clock from')
      : none(
          'cached',
          `every answer came from a cache (Age: ${cachedAge}); the server's clock cannot be read through it`,
        );
  }
  return { kind: 'reading', interval: current, source, extraRequests, rttMs };
}

/** The intersection of the intervals, each widened by the drift possible over `spanMs`. */
function widened(intervals: readonly OffsetInterval[], spanMs: number): OffsetInterval | undefined {
  return intersect(intervals.map((interval) => allowForDrift(interval, spanMs)));
}

/** Whether another request would improve the reading. */
function wantsMore(
  current: OffsetInterval | undefined,
  source: ClockSource | undefined,
  answer: ExchangeAnswer,
  ctx: ClockReadingContext,
): boolean {
  if (current === undefined) return true;
  // A body stamp is as good as the round trip allows; over a new TLS connection that trip
  // included the handshake, which the open connection no longer pays.
  if (source === 'body') return ctx.tls && !answer.reused;
  // Narrow to the target, and on while the reading cannot yet tell skewed from not.
  return halfWidth(current) > CLOCK_TARGET_MS || straddles(current, ctx.spec.maxSkewMs);
}

/** Whether ±`limit` falls inside the interval, so the verdict would be unknown. */
function straddles(interval: OffsetInterval, limit: number | undefined): boolean {
  if (limit === undefined) return false;
  return (
    (interval.lo < -limit && interval.hi > -limit) || (interval.lo < limit && interval.hi > limit)
  );
}

/** Time from sending until the server reads its clock, as the last answer suggests. */
function leadOf(answer: ExchangeAnswer): number {
  const connect = answer.keepAlive ? 0 : answer.sentAt - answer.startedAt;
  return connect + (answer.headersAt - answer.sentAt) / 2;
}

/** Time a further request is expected to take, with room to spare. */
function expectedDuration(answer: ExchangeAnswer): number {
  return 2 * (answer.endAt - answer.startedAt) + 20;
}

function sampleOf(answer: ExchangeAnswer, spec: ClockSpec, resolutionMs: number): Sample {
  const age = header(answer.headers.age);
  if (age !== undefined) return { kind: 'cached', age };
  if (spec.source !== 'date') {
    const type = header(answer.headers['content-type']) ?? '';
    const stamp =
      answer.body.length > 0 && !/^(?:image|audio|video)\/|octet-stream/i.test(type)
        ? findBodyStamp(answer.body.toString('utf8'), /json/i.test(type))
        : ({ kind: 'none' } as const);
    if (stamp.kind === 'stamp') {
      const exchange = { sentAt: answer.sentAt, receivedAt: answer.endAt };
      return {
        kind: 'interval',
        interval: stampInterval(stamp.stamp, exchange, resolutionMs),
        source: 'body',
        rttMs: answer.endAt - answer.sentAt,
      };
    }
    if (stamp.kind === 'garbage') {
      return {
        kind: 'problem',
        failure: 'bad_timestamp',
        reason: `body ${stamp.field}: ${stamp.problem}`,
      };
    }
    if (spec.source === 'body') {
      return {
        kind: 'problem',
        failure: 'bad_timestamp',
        reason:
          stamp.kind === 'coarse'
            ? `the body's time (${stamp.field}) has whole seconds only; use the Date header (clock source auto or date)`
            : 'no time in the body (ISO 8601 or epoch, finer than a second)',
      };
    }
  }
  const date = header(answer.headers.date);
  if (date === undefined)
    return { kind: 'problem', failure: 'no_date', reason: 'the answer has no Date header' };
  const second = parseHttpDate(date);
  if (second === undefined) {
    return {
      kind: 'problem',
      failure: 'bad_date',
      reason: `Date header ${JSON.stringify(date.slice(0, 60))} is not an HTTP date`,
    };
  }
  const exchange = { sentAt: answer.sentAt, receivedAt: answer.headersAt };
  return {
    kind: 'interval',
    interval: dateInterval(second, exchange, resolutionMs),
    source: 'date',
    rttMs: answer.headersAt - answer.sentAt,
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
