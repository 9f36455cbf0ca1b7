import type { Clock } from '../../time/clock.ts';
import type { Connect } from '../connector.ts';
import type { FlowPolicy } from '../flow/policy.ts';
import { Connection, type ConnectionEvents } from './connection.ts';
import { type Exchange, PoolExchange, type ResponseHandler } from './exchange.ts';
import { HttpError } from './http-error.ts';

/** Where and how the pool connects. */
export interface PoolOptions {
  /** Origin the requests go to; its host and port make the `Host` header. */
  readonly origin: URL;
  readonly connect: Connect;
  /** Decides how requests are shaped: pipelining, a connection per request. */
  readonly policy: FlowPolicy;
  readonly clock: Clock;
  /** Largest response head (and trailer section) accepted. */
  readonly maxHeadBytes: number;
  /** How long an idle connection is reused when the server names no `Keep-Alive: timeout`; default 4 s. */
  readonly idleMs?: number;
}

/** Reuse a connection no later than this before the server's announced keep-alive timeout. */
const KEEP_ALIVE_MARGIN_MS = 1000;

/**
 * GET requests over HTTP/1.1 to one origin: behind an answer whose head came alone when the
 * policy says so (pipelining), else on an idle kept-alive connection, else on a new one.
 *
 * Hand-written on `node:net` because undici, measured, was the bottleneck of large scans
 * (docs/tuning.md). fleetmon needs only GET: a response parser (response-parser.ts),
 * connections that read one answer at a time (connection.ts) and a stack of idle sockets.
 *
 * There is no queue: the caller's admission never has more requests in flight than it means to
 * open connections (a pipelined request only ever goes behind an answer whose head has come).
 */
export class HttpPool {
  readonly #options: PoolOptions;
  readonly #policy: FlowPolicy;
  readonly #clock: Clock;
  /** What follows the path in a request's head: keeping the connection, or asking to close it. */
  readonly #keepTail: string;
  readonly #closeTail: string;
  readonly #idle: Connection[] = [];
  readonly #open = new Set<Connection>();
  /** The last Keep-Alive header seen (null: none yet) and the idle time it allows. */
  #lastKeepAlive: { text: string | undefined | null; ms: number } = { text: null, ms: 0 };
  #closing: (() => void) | undefined;
  #closed: Promise<void> | undefined;
  /** Connections whose answer's head came alone, oldest first: each may carry one more request. */
  readonly #stalled = new Set<Connection>();
  #opened = 0;
  #pipelined = 0;
  /** How the pool hears from its connections. */
  readonly #events: ConnectionEvents = {
    connected: (connection) => this.#policy.carrying(connection),
    stalled: (connection) => this.#stalled.add(connection),
    free: (connection, reusable, keepAlive) => this.#free(connection, reusable, keepAlive),
    resend: (exchange) => this.#send(exchange, false),
    closed: (connection) => this.#forget(connection),
  };

  constructor(options: PoolOptions) {
    this.#options = options;
    this.#policy = options.policy;
    this.#clock = options.clock;
    const fields = ` HTTP/1.1\r\nHost: ${options.origin.host}\r\nAccept: application/json\r\n`;
    this.#keepTail = `${fields}\r\n`;
    this.#closeTail = `${fields}Connection: close\r\n\r\n`;
  }

  /** Connections open now (idle or busy). */
  get connected(): number {
    return this.#open.size;
  }

  /** Connections opened so far. */
  get opened(): number {
    return this.#opened;
  }

  /** Requests sent behind a stalled answer so far. */
  get pipelined(): number {
    return this.#pipelined;
  }

  /**
   * Sends `GET path`. `lastRound`: no request will follow soon; the policy may then ask the
   * server to close the connection after answering.
   */
  request(path: string, handler: ResponseHandler, lastRound = false): Exchange {
    const tail = this.#policy.closesAfter(lastRound) ? this.#closeTail : this.#keepTail;
    const exchange = new PoolExchange(`GET ${path}${tail}`, handler);
    if (this.#closed !== undefined) {
      queueMicrotask(() =>
        handler.onResponseError(new HttpError('HTTP_CLIENT_CLOSED', 'client closed')),
      );
      return exchange;
    }
    this.#send(exchange, true);
    return exchange;
  }

  /** Closes idle connections now and the others once their responses end. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      this.#closing = resolve;
    });
    for (const connection of this.#idle.splice(0)) connection.destroy();
    this.#settleClose();
    return this.#closed;
  }

  /** An answer ended on `connection` and nothing is queued behind it: keep it, or let it go. */
  #free(connection: Connection, reusable: boolean, keepAlive: string | undefined): void {
    this.#stalled.delete(connection);
    const closeEach = this.#policy.closesAfter(false);
    if (!reusable || closeEach || this.#closed !== undefined) {
      connection.answered = true;
      connection.destroy();
      if (closeEach) for (const idle of this.#idle.splice(0)) idle.destroy();
      return;
    }
    this.#policy.idle(connection);
    connection.usableUntil = this.#clock.now() + this.#idleMs(keepAlive);
    this.#idle.push(connection);
  }

  /** `connection` is closed or closing: forget it. */
  #forget(connection: Connection): void {
    if (!this.#open.delete(connection)) return;
    this.#stalled.delete(connection);
    const at = this.#idle.indexOf(connection);
    if (at >= 0) this.#idle.splice(at, 1);
    this.#policy.released(connection, connection.answered);
    this.#settleClose();
  }

  /** Runs `exchange` behind a stalled answer or on an idle connection when `reuse` allows, else on a new one. */
  #send(exchange: PoolExchange, reuse: boolean): void {
    if (reuse && this.#stalled.size > 0) {
      // The oldest stalled answer: its body has waited longest for this request's segment.
      const [stalled] = this.#stalled;
      if (stalled !== undefined && this.#policy.pipelines) {
        this.#stalled.delete(stalled);
        this.#pipelined += 1;
        stalled.pipeline(exchange);
        return;
      }
      this.#stalled.clear();
    }
    const now = this.#clock.now();
    while (reuse) {
      const idle = this.#idle.pop();
      if (idle === undefined) break;
      if (idle.usableUntil > now) {
        this.#policy.carrying(idle);
        idle.run(exchange);
        return;
      }
      idle.destroy();
    }
    const { maxHeadBytes } = this.#options;
    const connection = new Connection(this.#events, this.#policy, this.#clock, maxHeadBytes);
    this.#opened += 1;
    this.#open.add(connection);
    connection.connect(this.#options.connect, exchange);
  }

  #idleMs(keepAlive: string | undefined): number {
    // A server sends the same Keep-Alive value every time: read once, not once per response.
    if (keepAlive === this.#lastKeepAlive.text) return this.#lastKeepAlive.ms;
    const announced = keepAlive === undefined ? undefined : /timeout=(\d+)/i.exec(keepAlive)?.[1];
    const ms =
      announced === undefined
        ? (this.#options.idleMs ?? 4000)
        : Number(announced) * 1000 - KEEP_ALIVE_MARGIN_MS;
    this.#lastKeepAlive = { text: keepAlive, ms };
    return ms;
  }

  #settleClose(): void {
    if (this.#closing !== undefined && this.#open.size === 0) this.#closing();
  }
}
