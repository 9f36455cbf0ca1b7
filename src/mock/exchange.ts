import { createFaultPlan, type FaultRates, MALFORMED_BODIES } from './faults.ts';
import type { Random } from './random.ts';
import { INTERNAL_ERROR, pathOf, type Reply, type Responder } from './responder.ts';

/** What a transport must do with one request: write a reply, say nothing, or cut the connection. */
export type Outcome =
  | { readonly kind: 'answer'; readonly reply: Reply }
  | { readonly kind: 'hang' }
  | { readonly kind: 'drop' };

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

/** Settings of the exchange, already validated by the server. */
export interface ExchangeOptions {
  readonly respond: Responder;
  readonly clock: () => number;
  readonly rates: FaultRates;
  readonly latencyMs: { readonly min: number; readonly max: number };
  readonly serial: boolean;
  readonly faultRandom: Random;
  readonly latencyRandom: Random;
}

type Task = (done: () => void) => void;

/** Creates the exchange: fault decision at arrival, then latency and the answer (one at a time if serial). */
export function createExchange(options: ExchangeOptions): Exchange {
  const { respond, clock, latencyMs, serial, latencyRandom } = options;
  const decideFault = createFaultPlan(options.rates, options.faultRandom);
  const stats: ExchangeStats = { requests: 0, faults: 0, maxInFlight: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const queue: Task[] = [];
  let inFlight = 0;
  let malformedTurn = 0;
  let closed = false;

  const latency = (): number =>
    latencyMs.max <= 0 ? 0 : latencyMs.min + (latencyMs.max - latencyMs.min) * latencyRandom();

  const later = (ms: number, fn: () => void): void => {
    if (ms <= 0) {
      fn();
      return;
    }
    const timer = setTimeout(() => {
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

  const answerFor = (
    fault: 'none' | 'error' | 'malformed',
    method: string,
    target: string,
  ): Reply => {
    if (fault === 'error') return INTERNAL_ERROR;
    if (fault === 'malformed') {
      const bad = MALFORMED_BODIES[malformedTurn++ % MALFORMED_BODIES.length];
      if (bad) return { status: 200, contentType: bad.contentType, body: bad.body };
    }
    return respond(method, target, clock());
  };

  return {
    stats,
    serve(method, target, deliver) {
      if (closed) return;
      stats.requests++;
      const isStats = method === 'GET' && pathOf(target) !== '/servers';
      const fault = isStats ? decideFault() : 'none';
      if (fault !== 'none') stats.faults++;
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
          deliver(
            fault === 'drop'
              ? { kind: 'drop' }
              : { kind: 'answer', reply: answerFor(fault, method, target) },
          );
          done();
        });
      });
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      queue.length = 0;
    },
  };
}
