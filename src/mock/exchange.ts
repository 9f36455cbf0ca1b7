import type { Clock, Timer } from '../time/clock.ts';
import {
  createFaultPlan,
  type Fault,
  type FaultRates,
  MALFORMED_BODIES,
  type ServersFault,
} from './faults.ts';
import type { Random } from './random.ts';
import {
  INTERNAL_ERROR,
  INVALID_IP,
  pathOf,
  type Reply,
  type Responder,
  serversFaultReply,
  tooManyRequests,
} from './responder.ts';

/**
 * What a transport must do with one request: write a reply, say nothing, cut the connection
 * (before or halfway through the reply), or write the reply slowly or with a huge body.
 */
export type Outcome =
  | { readonly kind: 'answer'; readonly reply: Reply }
  | { readonly kind: 'hang' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'cut'; readonly reply: Reply }
  | { readonly kind: 'trickle'; readonly reply: Reply; readonly byteIntervalMs: number }
  | { readonly kind: 'flood'; readonly reply: Reply; readonly bytes: number };

/** Counters for tests and benchmarks. */
export interface ExchangeStats {
  /** Every request received, including `/servers` and bad ones. */
  requests: number;
  /** Requests that got an injected fault. */
  faults: number;
  /** Highest number of requests being handled at once (1 in serial mode). */
  maxInFlight: number;
}

/** Everything between "a request arrived" and "this is the outcome", shared by both transports. */
export interface Exchange {
  readonly stats: ExchangeStats;
  /** Handles one request; `deliver` is called at most once, never after `close()`. */
  serve(method: string, target: string, deliver: (outcome: Outcome) => void): void;
  /** Cancels pending latency timers and queued requests. */
  close(): void;
}

/** How the slower and bigger faults behave. */
export interface FaultShapes {
  /** `Retry-After` of a 429, in seconds. */
  readonly retryAfterSeconds: number;
  /** Time between two body bytes of a trickled answer. */
  readonly trickleIntervalMs: number;
  /** Body size of a flood answer. */
  readonly floodBytes: number;
}

/** Settings of the exchange, already validated by the server. */
export interface ExchangeOptions {
  readonly respond: Responder;
  /** Latency and the value model's time (its wall time). */
  readonly clock: Clock;
  readonly rates: FaultRates;
  readonly shapes: FaultShapes;
  readonly latencyMs: { readonly min: number; readonly max: number };
  readonly serial: boolean;
  /**
   * Latency blocks the whole process, as in a synchronous single-threaded server, so
   * nothing is accepted meanwhile and the kernel's listen backlog overflows. Default false.
   */
  readonly blocking?: boolean;
  readonly faultRandom: Random;
  readonly latencyRandom: Random;
  /** Whether this `/servers` request misbehaves, and how. */
  readonly serversFault: () => ServersFault | null;
  /** The listing at a time, for broken variants of it. */
  readonly listedAt: (nowMs: number) => readonly string[];
  /** Told of every request as it arrives, with the fault chosen for it. */
  readonly onRequest?: ((request: ServedRequest) => void) | undefined;
}

/** A request as the mock received it, and what it chose to do with it. */
export interface ServedRequest {
  readonly method: string;
  readonly target: string;
  /** `none`: answered as the protocol says (after the latency). */
  readonly fault: Fault | ServersFault;
}

type Task = (done: () => void) => void;

/** Never notified: `Atomics.wait` on it is a synchronous sleep. */
const BLOCKING_CELL = new Int32Array(new SharedArrayBuffer(4));

/** Creates the exchange: fault decision at arrival, then latency and the answer (one at a time if serial). */
export function createExchange(options: ExchangeOptions): Exchange {
  const { respond, clock, latencyMs, serial, latencyRandom, shapes } = options;
  const decideFault = createFaultPlan(options.rates, options.faultRandom);
  const stats: ExchangeStats = { requests: 0, faults: 0, maxInFlight: 0 };
  const timers = new Set<Timer>();
  const queue: Task[] = [];
  let inFlight = 0;
  let malformedTurn = 0;
  let closed = false;

  const latency = (): number =>
    latencyMs.max <= 0 ? 0 : latencyMs.min + (latencyMs.max - latencyMs.min) * latencyRandom();

  const later = (ms: number, fn: () => void): void => {
    if (ms <= 0 || options.blocking === true) {
      if (ms > 0) Atomics.wait(BLOCKING_CELL, 0, 0, ms);
      fn();
      return;
    }
    const timer = clock.setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const start = (task: Task): void => {
    inFlight++;
    if (inFlight > stats.maxInFlight) stats.maxInFlight = inFlight;
    task(() => {
      inFlight--;
      if (serial && !closed) {
        const next = queue.shift();
        if (next) start(next);
      }
    });
  };

  const schedule = (task: Task): void => {
    if (serial && inFlight > 0) queue.push(task);
    else start(task);
  };

  const malformed = (): Reply => {
    const bad = MALFORMED_BODIES[malformedTurn++ % MALFORMED_BODIES.length];
    return bad ? { status: 200, contentType: bad.contentType, body: bad.body } : INTERNAL_ERROR;
  };

  /** The outcome of a request whose fault (if any) was decided on arrival. */
  const outcomeFor = (
    fault: ReturnType<typeof decideFault> | ServersFault,
    method: string,
    target: string,
  ): Outcome => {
    const now = clock.wallNow();
    switch (fault) {
      case 'none':
        return { kind: 'answer', reply: respond(method, target, now) };
      case 'error':
        return { kind: 'answer', reply: INTERNAL_ERROR };
      case 'malformed':
        return { kind: 'answer', reply: malformed() };
      case 'throttle':
        return { kind: 'answer', reply: tooManyRequests(shapes.retryAfterSeconds) };
      case 'vanish':
        return { kind: 'answer', reply: INVALID_IP };
      case 'drop':
        return { kind: 'drop' };
      case 'hang':
        return { kind: 'hang' };
      case 'cut':
        return { kind: 'cut', reply: respond(method, target, now) };
      case 'trickle':
        return {
          kind: 'trickle',
          reply: respond(method, target, now),
          byteIntervalMs: shapes.trickleIntervalMs,
        };
      case 'flood':
        return { kind: 'flood', reply: respond(method, target, now), bytes: shapes.floodBytes };
      default:
        return { kind: 'answer', reply: serversFaultReply(fault, options.listedAt(now)) };
    }
  };

  return {
    stats,
    serve(method, target, deliver) {
      if (closed) return;
      stats.requests++;
      const isServers = pathOf(target) === '/servers';
      const isStats = method === 'GET' && !isServers;
      const fault =
        (isStats ? decideFault() : null) ??
        (method === 'GET' && isServers ? options.serversFault() : null) ??
        'none';
      if (fault !== 'none') stats.faults++;
      options.onRequest?.({ method, target, fault });
      schedule((done) => {
        // A hung request frees the server at once: one silent instance should
        // not stall every other request, even in serial mode.
        if (fault === 'hang') {
          deliver({ kind: 'hang' });
          done();
          return;
        }
        later(latency(), () => {
          if (closed) {
            done();
            return;
          }
          deliver(outcomeFor(fault, method, target));
          done();
        });
      });
    },
    close() {
      closed = true;
      for (const timer of timers) clock.clearTimeout(timer);
      timers.clear();
      queue.length = 0;
    },
  };
}
