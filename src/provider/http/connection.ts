import type { Socket } from 'node:net';
import type { Connect } from '../connector.ts';
import { HttpError } from './http-error.ts';
import type { Exchange, HttpPool, ResponseHandler } from './pool.ts';
import { type ResponseHead, ResponseParser, type ResponseSink } from './response-parser.ts';

// The pool's sockets and the requests they carry: one connection reads one answer at a time,
// with at most one request sent behind it. What to do with a connection (reuse it, pipeline
// behind it, let it go) is the pool's to decide (pool.ts).

/**
 * The most body Nagle's algorithm holds back whole after a head (one segment: ~64 KiB on
 * loopback, ~1.4 KiB on Ethernet). A head that comes alone before more than this is a large
 * body streaming in (a 100k `/servers` list), not an answer written apart.
 */
const HELD_BODY_BYTES = 64 * 1024;

/** One request: which connection carries it now, and whether it is still wanted. */
export class PoolExchange implements Exchange {
  readonly pool: HttpPool;
  readonly head: string;
  readonly handler: ResponseHandler;
  connection: Connection | undefined;
  over = false;
  retried = false;
  /** Sent behind another answer on its connection, and its own answer has not begun. */
  pipelined = false;

  constructor(pool: HttpPool, head: string, handler: ResponseHandler) {
    this.pool = pool;
    this.head = head;
    this.handler = handler;
  }

  abort(): void {
    if (this.over) return;
    this.over = true;
    // Given up before its answer began: the server may not take pipelined requests (or the
    // caller aborted, and it no longer matters).
    if (this.pipelined) this.pool.stopPipelining();
    // Behind another answer, it must not cut that one short: its connection drops it later.
    if (this.connection?.carrying(this) === true) this.connection.destroy();
  }
}

/** One socket and the response it is reading, if any. */
export class Connection implements ResponseSink {
  readonly #pool: HttpPool;
  readonly #maxHeadBytes: number;
  #socket: Socket | undefined;
  #cancelConnect: (() => void) | undefined;
  #exchange: PoolExchange | undefined;
  /** A request sent behind the current answer (pipelined), answered once that one ends. */
  #next: PoolExchange | undefined;
  #parser: ResponseParser | undefined;
  #keepAlive: string | undefined;
  #served = 0;
  /** The status in the head of the current response; 0 until it has arrived. */
  #status = 0;
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

  /** Sends `exchange` behind the current answer, whose head has come (see `HttpPool.stalled`). */
  pipeline(exchange: PoolExchange): void {
    this.#next = exchange;
    exchange.connection = this;
    exchange.pipelined = true;
    this.#socket?.write(exchange.head, 'latin1');
  }

  /** Whether `exchange` is the request whose answer this connection is reading. */
  carrying(exchange: PoolExchange): boolean {
    return this.#exchange === exchange;
  }

  destroy(): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#cancelConnect?.();
    this.#socket?.destroy();
    const next = this.#next;
    this.#next = undefined;
    // The server closed, or the answer ahead failed: the request behind it goes out again,
    // before this connection is forgotten so that a closing pool waits for it.
    if (next !== undefined && !next.over) {
      this.#pool.stopPipelining();
      next.pipelined = false;
      this.#pool.send(next, false);
    }
    this.#pool.forget(this);
  }

  onHead(head: ResponseHead): void {
    const exchange = this.#exchange;
    if (exchange === undefined || exchange.over) return;
    this.#keepAlive = head.headers['keep-alive'];
    this.#status = head.status;
    exchange.pipelined = false;
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
    if (due !== 0) this.#pool.unstalled(this);
    this.#pool.answered(this.#served > 0, due === 0 ? 0 : this.#pool.now() - due);
    this.#served++;
    const ended = this.#socket === undefined || this.#socket.readableEnded;
    const reusable = (this.#parser?.reusable ?? false) && !ended && !this.#dead;
    this.#parser = undefined;
    const next = this.#next;
    if (next !== undefined && reusable && !next.over) {
      // Its request is out already: read its answer next.
      this.#next = undefined;
      this.#exchange = next;
      this.#expect();
    } else if (next !== undefined) {
      // The server is closing, or the request behind was given up (its answer would follow).
      this.destroy();
    } else {
      if (reusable) this.#socket?.unref();
      this.#pool.done(this, reusable, this.#keepAlive);
    }
    exchange.handler.onResponseEnd();
  }

  #write(): void {
    const exchange = this.#exchange;
    if (exchange === undefined || this.#socket === undefined) return;
    this.#expect();
    this.#socket.write(exchange.head, 'latin1');
  }

  /** Gets ready to read the current request's answer. */
  #expect(): void {
    this.#parser = new ResponseParser(this, this.#maxHeadBytes);
    this.#keepAlive = undefined;
    this.#status = 0;
    this.#bodyDueSince = 0;
  }

  readonly #onData = (chunk: Buffer): void => {
    // More than one answer when requests were pipelined: each parser hands on what follows.
    for (let rest: Buffer | undefined = chunk; rest !== undefined; ) {
      const parser = this.#parser;
      if (parser === undefined) {
        // Bytes nobody asked for: the connection is out of step with us.
        this.destroy();
        return;
      }
      try {
        rest = parser.feed(rest);
      } catch (err) {
        this.#fail(err as Error);
        return;
      }
      // Past the end of an answer with no other to read: let the loop refuse the rest.
      if (rest !== undefined && this.#parser === parser) this.#parser = undefined;
    }
    // Only a body that did not come with its head is timed: no clock reads on the usual path.
    // (Not on a connection given up while reading: it must not carry a request behind.)
    if (
      this.#status !== 0 &&
      this.#bodyDueSince === 0 &&
      this.#exchange !== undefined &&
      !this.#dead
    ) {
      this.#bodyDueSince = this.#pool.now();
      const exchange = this.#exchange;
      const parser = this.#parser;
      // Not behind an error either: a 429 or 503 may ask for a pause, known once it has ended.
      // Nor behind a body too large to be one held segment: that is a body streaming in.
      if (
        this.#next === undefined &&
        this.#status < 300 &&
        parser?.reusable === true &&
        parser.bodyLeft <= HELD_BODY_BYTES &&
        this.#pool.stalled(this)
      ) {
        exchange.handler.onResponseStalled?.();
      }
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
    // A pipelined request the server closed on without answering: it does not take them.
    if (exchange.pipelined) this.#pool.stopPipelining();
    if (stale && !exchange.retried) {
      exchange.retried = true;
      this.#pool.send(exchange, false);
      return;
    }
    exchange.over = true;
    exchange.handler.onResponseError(err);
  }
}
