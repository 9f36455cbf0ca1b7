// The clock offset (server clock minus ours) as an interval that must contain the truth, from
// timed exchanges. Pure: every time is handed in, in epoch ms by our clock.

/** The server's clock minus ours lies in [lo, hi] (ms). */
export interface OffsetInterval {
  readonly lo: number;
  readonly hi: number;
}

/** When one request went out and its answer came back, by our clock (ms). */
export interface TimedExchange {
  /** No later than the moment the request left (so the server read its clock after it). */
  readonly sentAt: number;
  /** No earlier than the moment the part of the answer carrying the server's time arrived. */
  readonly receivedAt: number;
}

/** A time the server reported, in epoch ms, and how far the true reading may be from it. */
export interface ServerStamp {
  readonly ms: number;
  /** The reading lies in [ms - precisionMs, ms + precisionMs] (truncated or rounded alike). */
  readonly precisionMs: number;
}

/**
 * How late a `Date` header may be past its second. Servers that cache the header text renew it
 * from a timer at each second boundary (Node's http, nginx), and a timer runs late by a few ms.
 */
export const DATE_LAG_MS = 10;

/**
 * How fast either clock may run off true while one probe runs: NTP slews at most 500 ppm, and
 * both ends may slew, in opposite directions.
 */
export const DRIFT_PER_MS = 1e-3;

/**
 * NTP-style: the server read its clock between `sentAt` and `receivedAt`, so the offset lies
 * between the stamp minus the receive time and the stamp minus the send time. `resolutionMs`
 * is how far our own clock readings may be from the system clock, either way.
 */
export function stampInterval(
  stamp: ServerStamp,
  exchange: TimedExchange,
  resolutionMs: number,
): OffsetInterval {
  return {
    lo: stamp.ms - stamp.precisionMs - exchange.receivedAt - resolutionMs,
    hi: stamp.ms + stamp.precisionMs - exchange.sentAt + resolutionMs,
  };
}

/**
 * A `Date` header names the second the server's clock was in (truncated, RFC 9110), up to
 * {@link DATE_LAG_MS} late: the server read [second, second + 1 s + lag) while our clock read
 * [sentAt, receivedAt].
 */
export function dateInterval(
  secondMs: number,
  exchange: TimedExchange,
  resolutionMs: number,
): OffsetInterval {
  return {
    lo: secondMs - exchange.receivedAt - resolutionMs,
    hi: secondMs + 1000 + DATE_LAG_MS - exchange.sentAt + resolutionMs,
  };
}

/** Where every interval holds; `undefined` when they contradict each other. */
export function intersect(intervals: readonly OffsetInterval[]): OffsetInterval | undefined {
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  for (const interval of intervals) {
    lo = Math.max(lo, interval.lo);
    hi = Math.min(hi, interval.hi);
  }
  return intervals.length > 0 && lo <= hi ? { lo, hi } : undefined;
}

/** Widens an interval measured over `spanMs` by what the clocks may drift meanwhile. */
export function allowForDrift(interval: OffsetInterval, spanMs: number): OffsetInterval {
  const drift = Math.max(0, spanMs) * DRIFT_PER_MS;
  return { lo: interval.lo - drift, hi: interval.hi + drift };
}

/** The middle of the interval: the offset reported. */
export function midpoint(interval: OffsetInterval): number {
  return (interval.lo + interval.hi) / 2;
}

/** Half the width: the uncertainty reported. */
export function halfWidth(interval: OffsetInterval): number {
  return (interval.hi - interval.lo) / 2;
}

/** How far past the edge of an earlier reading a cut aimed at that edge is set (timers run late). */
const EDGE_MARGIN_MS = 5;

/**
 * The offset at which the next `Date` should split the reading (the htpdate technique): an
 * answer read at a second boundary tells on which side of the cut the offset lies. Without more
 * to go on, the middle of the interval, a little low since a late `Date` widens only the upper
 * side; the interval then shrinks to about half plus the round trip. With an earlier reading
 * (`prior`) that this one agrees with, a cut just past one of its edges is expected to land on
 * the near side, which bounds that side of the interval at once: the side that leaves less.
 */
export function nextCut(current: OffsetInterval, prior?: OffsetInterval): number {
  const bisect = midpoint(current) - DATE_LAG_MS / 2;
  const planned = prior === undefined ? undefined : intersect([current, prior]);
  if (planned === undefined) return bisect;
  const hiCut = planned.hi + EDGE_MARGIN_MS;
  const loCut = planned.lo - EDGE_MARGIN_MS;
  const leftByHiCut = hiCut + DATE_LAG_MS - current.lo;
  const leftByLoCut = current.hi - loCut;
  const leftByBisect = halfWidth(current) + DATE_LAG_MS;
  if (Math.min(leftByHiCut, leftByLoCut) >= leftByBisect) return bisect;
  return leftByHiCut <= leftByLoCut ? hiCut : loCut;
}

/**
 * When to send the next request so that the server reads its clock at a second boundary if the
 * offset is `cut`. `leadMs` is the time expected from sending until the server reads its clock.
 * Returns the earliest such send time at or after `earliest`.
 */
export function nextDateSend(cut: number, leadMs: number, earliest: number): number {
  // Our clock reads `boundary - cut` when the server's clock is at a second boundary.
  const first = Math.ceil((earliest + leadMs + cut) / 1000);
  return first * 1000 - cut - leadMs;
}
