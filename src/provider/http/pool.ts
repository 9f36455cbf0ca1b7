import type { Socket } from 'node:net';
import type { Connect } from '../connector.ts';
import { HttpError } from './http-error.ts';
import { type ResponseHead, ResponseParser, type ResponseSink } from './response-parser.ts';

/** Receives one response. After `onResponseEnd` or `onResponseError` nothing more is called. */
export interface ResponseHandler {
  onResponseStart(status: number, headers: Readonly<Record<string, string>>): void;
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
 * A body that comes this long after its head, on a connection that had already carried a
 * response, was most likely held by a Nagle stall. A server that writes the head and the body
 * separately without TCP_NODELAY (Python's `http.server` speaking HTTP/1.1 does) sends the body
 * only once the head is acknowledged, and the client's kernel delays that acknowledgement, by
 * 40 ms on Linux and more elsewhere, once a connection has settled into request and answer; a
 * new connection's first answer is acknowledged at once. Node offers no TCP_QUICKACK, so once
 * {@link STALLS_TO_CLOSE} answers on reused connections, and at least half of them, stalled
 * while fewer than a quarter of the first answers on new connections did, the pool asks for a
 * connection per request (`Connection: close`): against a threaded Python server with 50 ms
 * answers, 1,000 instances took 1.55-1.69 s kept alive and ~1.0 s this way (bench/README.md). A
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
 * GET, so this is a response parser (response-parser.ts) and a stack of idle sockets.
 *
 * There is no queue: the caller (RequestGate) never has more requests in flight than it means
 * to open connections. A reused connection that fails before any byte of the answer arrived
 * (the server closed it while idle) is retried once on a fresh one: GET is idempotent and
 * nothing was processed.
 */
export class HttpPool {
  readonly #options: PoolOptions;
  readonly #now: () => number;
  #requestHead: [string, string];
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
  #closeEach = false;
  #opened = 0;
  /** Connections carrying a request now, in the order they began to. */
  readonly #held = new Set<Connection>();

  constructor(options: PoolOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#requestHead = [
      'GET ',
      ` HTTP/1.1\r\nHost: ${options.origin.host}\r\nAccept: application/json\r\n\r\n`,
    ];
  }

  /** Connections open now (idle or busy). */
  get connected(): number {
    return this.#open.size;
  }

  /** Connections opened so far. */
  get opened(): number {
    return this.#opened;
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

  /** Whether the last complete response left its connection open; undefined before the first. */
  get lastReusable(): boolean | undefined {
    return this.#lastReusable;
  }

  /** Sends `GET path` on an idle connection, or a new one. */
  request(path: string, handler: ResponseHandler): Exchange {
    const exchange = new PoolExchange(
      this,
      `${this.#requestHead[0]}${path}${this.#requestHead[1]}`,
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

  /** @internal Runs `exchange` on an idle connection when `reuse` allows, else on a new one. */
  send(exchange: PoolExchange, reuse: boolean): void {
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
    const [method, rest] = this.#requestHead;
    // The head ends in an empty line; the field goes before it.
    this.#requestHead = [method, `${rest.slice(0, -2)}Connection: close\r\n\r\n`];
    for (const connection of this.#idle.splice(0)) connection.destroy();
    this.#options.onCloseEach?.();
  }

  /** @internal `connection` is closed or closing: forget it. */
  forget(connection: Connection): void {
    if (!this.#open.delete(connection)) return;
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

/** One request: which connection carries it now, and whether it is still wanted. */
class PoolExchange implements Exchange {
  readonly pool: HttpPool;
  readonly head: string;
  readonly handler: ResponseHandler;
  connection: Connection | undefined;
  over = false;
  retried = false;

  constructor(pool: HttpPool, head: string, handler: ResponseHandler) {
    this.pool = pool;
    this.head = head;
    this.handler = handler;
  }

  abort(): void {
    if (this.over) return;
    this.over = true;
    this.connection?.destroy();
  }
}

/** One socket and the response it is reading, if any. */
class Connection implements ResponseSink {
  readonly #pool: HttpPool;
  readonly #maxHeadBytes: number;
  #socket: Socket | undefined;
  #cancelConnect: (() => void) | undefined;
  #exchange: PoolExchange | undefined;
  #parser: ResponseParser | undefined;
  #keepAlive: string | undefined;
  #served = 0;
  /** The head of the current response has arrived. */
  #headSeen = false;
  /** When the head arrived without the whole body (0: with it, or not yet). */
  #bodyDueSince = 0;
  #dead = false;
  usableUntil = 0;
  /** When it began to carry its current request, on the pool's clock. */
  heldSince = Number.NaN;
  /** Its last request was answered (and it is being let go). */
  answered = false;

  constructor(pool: HttpPool, maxHeadBytes: number) {
    this.#pool = pool;
    this.#maxHeadBytes = maxHeadBytes;
  }

  connect(connect: Connect, exchange: PoolExchange): void {
    this.#exchange = exchange;
    exchange.connection = this;
    this.#cancelConnect = connect((err, socket) => {
      this.#cancelConnect = undefined;
      if (err !== null || socket === null) {
        this.#fail(err ?? new Error('connect failed'));
        return;
      }
      this.#socket = socket;
      socket.on('data', this.#onData);
      socket.on('end', this.#onEnd);
      socket.on('error', this.#onError);
      socket.on('close', this.#onClose);
      if (this.#dead) {
        socket.destroy();
        return;
      }
      this.#pool.hold(this);
      this.#write();
    });
  }

  /** Carries `exchange` on this idle connection. */
  run(exchange: PoolExchange): void {
    this.#exchange = exchange;
    exchange.connection = this;
    this.#pool.hold(this);
    this.#socket?.ref();
    this.#write();
  }

  destroy(): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#cancelConnect?.();
    this.#socket?.destroy();
    this.#pool.forget(this);
  }

  onHead(head: ResponseHead): void {
    const exchange = this.#exchange;
    if (exchange === undefined || exchange.over) return;
    this.#keepAlive = head.headers['keep-alive'];
    this.#headSeen = true;
    exchange.handler.onResponseStart(head.status, head.headers);
  }

  onBody(chunk: Buffer): void {
    const exchange = this.#exchange;
    if (exchange === undefined || exchange.over) return;
    exchange.handler.onResponseData(chunk);
  }

  onEnd(): void {
    const exchange = this.#exchange;
    if (exchange === undefined || exchange.over) return;
    this.#exchange = undefined;
    exchange.over = true;
    const due = this.#bodyDueSince;
    this.#pool.answered(this.#served > 0, due === 0 ? 0 : this.#pool.now() - due);
    this.#served++;
    const ended = this.#socket === undefined || this.#socket.readableEnded;
    const reusable = (this.#parser?.reusable ?? false) && !ended && !this.#dead;
    this.#parser = undefined;
    if (reusable) this.#socket?.unref();
    this.#pool.done(this, reusable, this.#keepAlive);
    exchange.handler.onResponseEnd();
  }

  #write(): void {
    const exchange = this.#exchange;
    if (exchange === undefined || this.#socket === undefined) return;
    this.#parser = new ResponseParser(this, this.#maxHeadBytes);
    this.#keepAlive = undefined;
    this.#headSeen = false;
    this.#bodyDueSince = 0;
    this.#socket.write(exchange.head, 'latin1');
  }

  readonly #onData = (chunk: Buffer): void => {
    const parser = this.#parser;
    if (parser === undefined) {
      // Bytes nobody asked for: the connection is out of step with us.
      this.destroy();
      return;
    }
    try {
      parser.feed(chunk);
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    // Only a body that did not come with its head is timed: no clock reads on the usual path.
    if (this.#headSeen && this.#bodyDueSince === 0 && this.#exchange !== undefined) {
      this.#bodyDueSince = this.#pool.now();
    }
  };

  readonly #onEnd = (): void => {
    const parser = this.#parser;
    if (parser === undefined) {
      this.destroy();
      return;
    }
    try {
      parser.finish();
    } catch (err) {
      this.#fail(err as Error);
    }
  };

  readonly #onError = (err: Error): void => {
    this.#fail(err);
  };

  readonly #onClose = (): void => {
    if (this.#exchange !== undefined) {
      this.#fail(
        new HttpError('HTTP_CLOSED_EARLY', 'connection closed before the response was complete'),
      );
    }
    this.#dead = true;
    this.#pool.forget(this);
  };

  /** Ends the current request with `err`, or re-sends it once when a reused connection had gone stale. */
  #fail(err: Error): void {
    const exchange = this.#exchange;
    const stale = this.#served > 0 && this.#parser?.started === false;
    this.#exchange = undefined;
    this.#parser = undefined;
    this.destroy();
    if (exchange === undefined || exchange.over) return;
    if (stale && !exchange.retried) {
      exchange.retried = true;
      this.#pool.send(exchange, false);
      return;
    }
    exchange.over = true;
    exchange.handler.onResponseError(err);
  }
}
