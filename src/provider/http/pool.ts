import type { Connect } from '../connector.ts';
import { Connection, PoolExchange } from './connection.ts';
import { HttpError } from './http-error.ts';

/** Receives one response. After `onResponseEnd` or `onResponseError` nothing more is called. */
export interface ResponseHandler {
  onResponseStart(status: number, headers: Readonly<Record<string, string>>): void;
  /**
   * The head came without the body, and the pool will send the next request behind this answer
   * (pipelining): the caller may let another request take this one's place now.
   */
  onResponseStalled?(): void;
  onResponseData(chunk: Buffer): void;
  onResponseEnd(): void;
  onResponseError(error: Error): void;
}

/** One request in flight; `abort` drops its connection, and no handler method is called after it. */
export interface Exchange {
  abort(): void;
}

/** Where and how the pool connects. */
export interface PoolOptions {
  /** Origin the requests go to; its host and port make the `Host` header. */
  readonly origin: URL;
  readonly connect: Connect;
  /** Largest response head (and trailer section) accepted. */
  readonly maxHeadBytes: number;
  /** How long an idle connection is reused when the server names no `Keep-Alive: timeout`; default 4 s. */
  readonly idleMs?: number;
  /** Clock in ms; default `performance.now`. */
  readonly now?: () => number;
  /** Called once if the pool starts to ask for a connection per request (see {@link STALL_MS}). */
  readonly onCloseEach?: () => void;
  /**
   * Called when a connection closes that carried a request: with how long it carried it when
   * the request was answered, undefined when it ended otherwise (timeout, error, abort).
   */
  readonly onReleased?: (heldMs: number | undefined) => void;
}

/** Reuse a connection no later than this before the server's announced keep-alive timeout. */
const KEEP_ALIVE_MARGIN_MS = 1000;

/**
 * A 2xx head that comes without its (small) body, on a kept-alive connection, lets the next
 * request go out behind it (pipelining) instead of on an idle or a new connection; the request
 * it came for frees its slot in the caller's gate at once (`onResponseStalled`). The server has
 * read that request and finished with it but for writing the body, and answers a connection's
 * requests in turn, so it never works on more at once than the gate allows.
 *
 * This is for servers whose answers stall. One that writes the head and the body separately
 * without TCP_NODELAY (Python's `http.server` speaking HTTP/1.1 does) sends the body only once
 * the head is acknowledged, and the client's kernel delays that acknowledgement, by 40 ms on
 * Linux and more elsewhere, once a connection has settled into request and answer; a new
 * connection's first answer is acknowledged at once. Node offers no TCP_QUICKACK, and the only
 * segment that acknowledges the head at once is one with data: the next request. Against a
 * threaded Python server with 50 ms answers, 1,000 instances took ~1.5 s kept alive, ~1.0 s with
 * a connection per request, and ~0.9 s pipelined (bench/README.md). Other servers send head and
 * body together, and nothing changes for them.
 *
 * Because the server has read a request before it answers, pipelining at the head is safe even
 * with a server that reads one request at a time. One that closes the connection under a
 * pipelined request anyway, or never answers it, is not pipelined to again; the request goes
 * out again on a new connection (GET is idempotent), like one on a connection gone stale.
 *
 * A body that comes {@link STALL_MS} or more after its head, on a connection that had already
 * carried a response, was held by such a stall: the last answers of a scan stall with no
 * request left to send behind them. Once {@link STALLS_TO_CLOSE} answers on reused connections,
 * and at least half of them, stalled while fewer than a quarter of the first answers on new
 * connections did, pipelining is not curing them (too few requests to send, as in a scan of a
 * few instances) and the pool asks for a connection per request (`Connection: close`). A
 * server whose bodies lag as often on new connections is slow by itself, and is left alone.
 */
const STALL_MS = 30;
const STALLS_TO_CLOSE = 3;

/**
 * GET requests over HTTP/1.1 to one origin, on kept-alive connections where the server allows
 * it and one connection per request where it does not (HTTP/1.0, `Connection: close`).
 *
 * Hand-written on `node:net` instead of undici, where measurement showed the library to be the
 * bottleneck (bench/README.md, issue #4): per request, undici spent 59-68 µs of CPU against
 * 34-47 µs for a plain socket client at 100k instances, scanned 150 instances over one
 * connection each in 130 ms cold against 82 ms, and took ~35 ms to load. fleetmon needs only
 * GET, so this is a response parser (response-parser.ts), connections that read one answer at a
 * time (connection.ts) and a stack of idle sockets.
 *
 * There is no queue: the caller (RequestGate) never has more requests in flight than it means
 * to open connections (pipelining, above, only ever puts a request behind an answer whose head
 * has come). A reused connection that fails before any byte of the answer arrived (the server
 * closed it while idle) is retried once on a fresh one: GET is idempotent and nothing was
 * processed.
 */
export class HttpPool {
  readonly #options: PoolOptions;
  readonly #now: () => number;
  /** What follows the path in a request's head: keeping the connection, or asking to close it. */
  readonly #keepTail: string;
  readonly #closeTail: string;
  readonly #idle: Connection[] = [];
  readonly #open = new Set<Connection>();
  #lastReusable: boolean | undefined;
  /** The last Keep-Alive header seen (null: none yet) and the idle time it allows. */
  #lastKeepAlive: { text: string | undefined | null; ms: number } = { text: null, ms: 0 };
  #closing: (() => void) | undefined;
  #closed: Promise<void> | undefined;
  /** Answers on new and on reused connections, and how many of each had a lagging body. */
  #firstAnswers = 0;
  #firstLagged = 0;
  #laterAnswers = 0;
  #laterLagged = 0;
  /** Requests go out behind heads that came alone, until a pipelined one was dropped. */
  #pipelining = true;
  #closeEach = false;
  #headsAlone = false;
  /** Connections whose answer's head came without its body, which may carry one more request. */
  readonly #stalled = new Set<Connection>();
  #opened = 0;
  #pipelined = 0;
  /** Connections carrying a request now, in the order they began to. */
  readonly #held = new Set<Connection>();

  constructor(options: PoolOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
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
   * Connections carrying a request now that began at most `maxAgeMs` ago: what the server
   * holds of ours, leaving out those it has held for longer. Counted while the server is not
   * known to keep connections alive (see {@link hold}).
   */
  heldWithin(maxAgeMs: number): number {
    const since = this.#now() - maxAgeMs;
    let held = this.#held.size;
    // Oldest first: usually the first one is recent enough and this is one step.
    for (const connection of this.#held) {
      if (connection.heldSince >= since) break;
      held--;
    }
    return held;
  }

  /**
   * Whether a 2xx head has come without its body on a kept-alive connection: the server writes
   * them apart, and its answers stall unless a request goes behind them.
   */
  get headsAlone(): boolean {
    return this.#headsAlone;
  }

  /** Whether the last complete response left its connection open; undefined before the first. */
  get lastReusable(): boolean | undefined {
    return this.#lastReusable;
  }

  /**
   * Sends `GET path` behind a stalled answer, on an idle connection, or on a new one.
   * `lastRound`: no request will follow soon (a scan's last round). If the server sends heads
   * apart from their bodies ({@link headsAlone}), the request then asks it to close the
   * connection after answering: its closing sends a held body at once, where a kept-alive
   * connection would wait for the delayed ACK with no request to send behind it (40 ms at the
   * end of each scan).
   */
  request(path: string, handler: ResponseHandler, lastRound = false): Exchange {
    const close = this.#closeEach || (lastRound && this.#headsAlone);
    const exchange = new PoolExchange(
      this,
      `GET ${path}${close ? this.#closeTail : this.#keepTail}`,
      handler,
    );
    if (this.#closed !== undefined) {
      queueMicrotask(() =>
        handler.onResponseError(new HttpError('HTTP_CLIENT_CLOSED', 'client closed')),
      );
      return exchange;
    }
    this.send(exchange, true);
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

  /**
   * @internal Runs `exchange` behind a stalled answer or on an idle connection when `reuse`
   * allows, else on a new one.
   */
  send(exchange: PoolExchange, reuse: boolean): void {
    if (reuse && this.#stalled.size > 0) {
      // The oldest stalled answer: its body has waited longest for this request's segment.
      const [stalled] = this.#stalled;
      if (stalled !== undefined) {
        this.#stalled.delete(stalled);
        this.#pipelined += 1;
        stalled.pipeline(exchange);
        return;
      }
    }
    const now = this.#now();
    while (reuse) {
      const idle = this.#idle.pop();
      if (idle === undefined) break;
      if (idle.usableUntil > now) {
        idle.run(exchange);
        return;
      }
      idle.destroy();
    }
    const connection = new Connection(this, this.#options.maxHeadBytes);
    this.#opened += 1;
    this.#open.add(connection);
    connection.connect(this.#options.connect, exchange);
  }

  /** @internal A response ended on `connection`; keep it for reuse or let it go. */
  done(connection: Connection, reusable: boolean, keepAlive: string | undefined): void {
    this.#lastReusable = reusable;
    if (!reusable || this.#closeEach || this.#closed !== undefined) {
      connection.answered = true;
      connection.destroy();
      return;
    }
    this.#held.delete(connection);
    connection.usableUntil = this.#now() + this.#idleMs(keepAlive);
    this.#idle.push(connection);
  }

  /**
   * @internal `connection` begins to carry a request: connected for it, or reused. Only
   * counted while the server is not known to keep connections (the hold in connector.ts is for
   * servers that close each one): a kept-alive scan of 100k saves a clock read and a set entry
   * per request.
   */
  hold(connection: Connection): void {
    if (this.#lastReusable === true && !this.#closeEach) return;
    connection.heldSince = this.#now();
    this.#held.add(connection);
  }

  /** @internal The clock the pool was given. */
  now(): number {
    return this.#now();
  }

  /**
   * @internal A response ended whose body came `lagMs` after its head (0: with it); `reused`:
   * not its connection's first.
   */
  answered(reused: boolean, lagMs: number): void {
    const lagged = lagMs >= STALL_MS;
    if (!reused) {
      this.#firstAnswers += 1;
      if (lagged) this.#firstLagged += 1;
      return;
    }
    this.#laterAnswers += 1;
    if (!lagged || this.#closeEach) return;
    this.#laterLagged += 1;
    const stalls = this.#laterLagged;
    if (stalls < STALLS_TO_CLOSE || stalls * 2 < this.#laterAnswers) return;
    if (this.#firstLagged * 4 >= this.#firstAnswers) return;
    this.#closeEach = true;
    this.stopPipelining();
    for (const connection of this.#idle.splice(0)) connection.destroy();
    this.#options.onCloseEach?.();
  }

  /**
   * @internal The head of `connection`'s answer came without its body: unless pipelining is
   * off, the next request goes out behind it, and its segment acknowledges the head.
   */
  stalled(connection: Connection): boolean {
    this.#headsAlone = true;
    if (!this.#pipelining) return false;
    this.#stalled.add(connection);
    return true;
  }

  /** @internal `connection`'s stalled answer ended, or it carries a request behind it now. */
  unstalled(connection: Connection): void {
    this.#stalled.delete(connection);
  }

  /**
   * @internal Pipeline no more: a pipelined request was dropped or given up on, or the pool
   * asks for a connection per request.
   */
  stopPipelining(): void {
    this.#pipelining = false;
    this.#stalled.clear();
  }

  /** @internal `connection` is closed or closing: forget it. */
  forget(connection: Connection): void {
    if (!this.#open.delete(connection)) return;
    this.#stalled.delete(connection);
    const at = this.#idle.indexOf(connection);
    if (at >= 0) this.#idle.splice(at, 1);
    if (this.#held.delete(connection)) {
      this.#options.onReleased?.(
        connection.answered ? this.#now() - connection.heldSince : undefined,
      );
    }
    this.#settleClose();
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
