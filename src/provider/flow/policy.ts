import type { Clock } from '../../time/clock.ts';
import type { AttemptResult } from '../attempt.ts';
import type { LoadSignal } from './adaptive-window.ts';
import { Admission, type Ticket } from './admission.ts';
import { ConnectPacer } from './connect-pacer.ts';
import { HeldConnections } from './held-connections.ts';
import { Pipelining } from './pipelining.ts';

/**
 * Connects at once to a provider that closes every connection: its listen backlog may be as
 * small as the original's 5, and each of its requests is a connect.
 */
const CLOSING_PROVIDER_CONNECTS = 4;
/**
 * A closing provider that answers faster than this is held, after a dropped SYN, to the
 * connections it held then: re-sending a dropped connect costs as much client CPU as such an
 * answer. With slower answers re-sends are cheap and connections matter more (docs/tuning.md).
 */
const QUICK_ANSWER_MS = 20;
/**
 * One spare reader per this many slots once answers stall: a spare that pipelines behind a
 * stalled answer frees that answer's reader, which becomes the next spare.
 */
const SPARE_READERS_PER = 8;

/** How hard the client may push the provider, and whose time it runs on. */
export interface FlowOptions {
  /** `--concurrency`: requests in flight never exceed it. */
  readonly concurrency: number;
  /** `--rate`: requests per second, averaged; undefined for no cap. */
  readonly ratePerSecond?: number | undefined;
  /** Adapt the window to latency and errors (default true); false pins it at `concurrency`. */
  readonly adaptive?: boolean;
  readonly clock: Clock;
}

/**
 * Flow control of one provider client, in one place: every decision about how hard and in
 * what shape to ask the provider. The client, the pool, its connections and the connector
 * report what happened and ask what to do; the policy calls none of them.
 *
 * - Requests: the adaptive window, `--rate` and `Retry-After` pauses (admission.ts), and how
 *   many readers a read of many instances runs.
 * - Connections: pipelining behind stalled answers, a connection per request when that fails
 *   (pipelining.ts), and which connections the provider holds of ours now.
 * - Connects: how many may be under way, and the hold on a quick closing provider
 *   (connect-pacer.ts).
 */
export class FlowPolicy {
  readonly #admission: Admission;
  readonly #pacer: ConnectPacer;
  readonly #held: HeldConnections;
  readonly #pipelining = new Pipelining();
  /** The provider closes every connection, or is asked to: each request is a connect. */
  #closing = false;
  #answered = false;
  #lastReusable = false;

  constructor(options: FlowOptions) {
    this.#admission = new Admission(options);
    this.#held = new HeldConnections(options.clock);
    this.#pacer = new ConnectPacer(options.clock, this.#held);
  }

  // --- Requests (client.ts) ---

  /** Waits for a slot in the window, a `--rate` token and the end of any pause. */
  admit(signal: AbortSignal | undefined, sampled: boolean): Ticket | Promise<Ticket> {
    return this.#admission.admit(signal, sampled);
  }

  /** A request ended with `result` (undefined: aborted); frees its slot unless released early. */
  settle(ticket: Ticket, result: AttemptResult | undefined): void {
    this.#admission.settle(ticket, result === undefined ? undefined : loadSignalOf(result));
  }

  /** The provider asked for a break (429/503 `Retry-After`): no request starts for `ms`. */
  pause(ms: number): void {
    this.#admission.pause(ms);
  }

  /**
   * Readers a read of many instances runs, for `width` wanted: more once answers are seen to
   * stall, so that a request waits for the slot a stalled answer frees (never for a provider
   * that closes every connection). It may grow during a read.
   */
  readers(width: number): number {
    if (this.#closing || !this.#pipelining.headsAlone) return width;
    return width + Math.ceil(this.#admission.max / SPARE_READERS_PER);
  }

  // --- Connections (http/pool.ts, http/connection.ts) ---

  /** Whether a request asks the provider to close the connection after answering it. */
  closesAfter(lastRound: boolean): boolean {
    return this.#pipelining.closesAfter(lastRound);
  }

  /** Whether a request may go behind a stalled answer. */
  get pipelines(): boolean {
    return this.#pipelining.on;
  }

  /** A 2xx head came alone on a kept-alive connection; true: send the next request behind it. */
  headAlone(bodyLeft: number): boolean {
    return this.#pipelining.headAlone(bodyLeft);
  }

  /** A pipelined request was dropped or given up on. */
  pipelineFailed(): void {
    this.#pipelining.failed();
  }

  /**
   * An answer ended, its body `lagMs` after its head; `reused`: not its connection's first;
   * `reusable`: the connection stays open. Returns true when from now on each request gets its
   * own connection (idle ones should go).
   */
  answered(reused: boolean, lagMs: number, reusable: boolean): boolean {
    this.#lastReusable = reusable;
    // A provider whose first answer leaves no connection open closes every one.
    if (!this.#answered) {
      this.#answered = true;
      if (!reusable) this.#eachRequestConnects();
    }
    if (!this.#pipelining.answered(reused, lagMs)) return false;
    this.#eachRequestConnects();
    return true;
  }

  /**
   * `connection` begins to carry a request. Counted only while the provider is not known to
   * keep connections: the hold on connects is for providers that close them.
   */
  carrying(connection: object): void {
    if (this.#lastReusable && !this.#pipelining.closeEach) return;
    this.#held.add(connection);
  }

  /** `connection` answered and stays open for another request. */
  idle(connection: object): void {
    this.#held.remove(connection);
  }

  /** `connection` is closed; `answered`: after an answer (else a timeout, error or abort). */
  released(connection: object, answered: boolean): void {
    const heldMs = this.#held.remove(connection);
    if (heldMs !== undefined) this.#pacer.released(answered ? heldMs : undefined);
  }

  /** Connections the provider holds of ours now. */
  get connectionsHeld(): number {
    return this.#held.heldWithin(Number.POSITIVE_INFINITY);
  }

  // --- Connects (connector.ts) ---

  /** Runs `start` now or once a connect may begin; returns a function that withdraws it. */
  whenConnectAllowed(start: () => void): () => void {
    return this.#pacer.enter(start);
  }

  /** A connect that began has ended, whichever way. */
  connectEnded(): void {
    this.#pacer.leave();
  }

  /** A connect got through at its first try. */
  connectCompleted(): void {
    this.#pacer.completed();
  }

  /** A connect begun at `sentAt` is re-sent: its SYN was most likely dropped. */
  connectDropped(sentAt: number): void {
    if (!this.#pacer.dropped(sentAt) || !this.#closing) return;
    // The listen queue overflowed: hold a quick closing provider to what it holds now.
    if (this.#admission.baselineMs < QUICK_ANSWER_MS) {
      this.#pacer.holdAtCurrent(CLOSING_PROVIDER_CONNECTS);
    }
  }

  /** Tracks a connect under way; `resend` re-sends it early when the provider makes room. */
  trackConnect(resend: () => boolean): () => void {
    return this.#pacer.track(resend);
  }

  // --- What `--stats` reports ---

  /** The window's ceiling, where it is now, and how often it was cut. */
  get window(): { max: number; limit: number; decreases: number } {
    const admission = this.#admission;
    return { max: admission.max, limit: admission.limit, decreases: admission.decreases };
  }

  /** Connects re-sent so far because their SYN was most likely dropped. */
  get resentConnects(): number {
    return this.#pacer.resent;
  }

  /** Each request is a connect from now on: pace connects as for an HTTP/1.0 provider. */
  #eachRequestConnects(): void {
    this.#closing = true;
    this.#pacer.limit(CLOSING_PROVIDER_CONNECTS);
  }
}

/** Timeouts, broken connections, 429 and 503 say "too much"; any other answer says nothing about load. */
export function loadSignalOf(result: AttemptResult): LoadSignal {
  if (result.ok) return 'answered';
  if (result.kind === 'timeout' || result.kind === 'network') return 'overload';
  return result.status === 429 || result.status === 503 ? 'overload' : 'answered';
}
