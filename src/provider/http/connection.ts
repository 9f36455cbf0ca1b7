import type { Socket } from 'node:net';
import type { Clock } from '../../time/clock.ts';
import type { Connect } from '../connector.ts';
import type { FlowPolicy } from '../flow/policy.ts';
import type { Carrier, PoolExchange } from './exchange.ts';
import { HttpError } from './http-error.ts';
import { type ResponseHead, ResponseParser, type ResponseSink } from './response-parser.ts';

/**
 * What a connection tells its owner (the pool), which decides what to do with it. The
 * connection calls nothing else above it; what it learns about the provider's answers goes to
 * the flow policy.
 */
export interface ConnectionEvents {
  /** Connected; its first request goes out now. */
  connected(connection: Connection): void;
  /** The head of the current answer came alone and the policy wants a request behind it. */
  stalled(connection: Connection): void;
  /** An answer ended and nothing is queued behind it: reuse the connection, or let it go. */
  free(connection: Connection, reusable: boolean, keepAlive: string | undefined): void;
  /** `exchange` never got its answer here and must go out again on a new connection. */
  resend(exchange: PoolExchange): void;
  /** The connection is closed (or closing) and carries nothing any more. */
  closed(connection: Connection): void;
}

/** One socket, reading one answer at a time, with at most one request sent behind it. */
export class Connection implements ResponseSink, Carrier {
  readonly #events: ConnectionEvents;
  readonly #policy: FlowPolicy;
  readonly #clock: Clock;
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
  /** When the head arrived without the whole body (-1: with it, or not yet). */
  #bodyDueSince = -1;
  #dead = false;
  /** Until when the pool may reuse it, on the pool's clock. */
  usableUntil = 0;
  /** Its last request was answered, and the pool lets it go. */
  answered = false;

  constructor(events: ConnectionEvents, policy: FlowPolicy, clock: Clock, maxHeadBytes: number) {
    this.#events = events;
    this.#policy = policy;
    this.#clock = clock;
    this.#maxHeadBytes = maxHeadBytes;
  }

  /** Opens the socket with `connect` and sends `exchange` once it is up. */
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
      this.#events.connected(this);
      this.#write();
    });
  }

  /** Carries `exchange` on this idle connection. */
  run(exchange: PoolExchange): void {
    this.#exchange = exchange;
    exchange.connection = this;
    this.#socket?.ref();
    this.#write();
  }

  /** Sends `exchange` behind the current answer, whose head has come alone. */
  pipeline(exchange: PoolExchange): void {
    this.#next = exchange;
    exchange.connection = this;
    exchange.pipelined = true;
    this.#socket?.write(exchange.head, 'latin1');
  }

  abandon(exchange: PoolExchange): void {
    // Given up before its answer began: the server may not take pipelined requests.
    if (exchange.pipelined) this.#policy.pipelineFailed();
    // Behind another answer it must not cut that one short: it is dropped when that one ends.
    if (this.#exchange === exchange) this.destroy();
  }

  destroy(): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#cancelConnect?.();
    this.#socket?.destroy();
    const next = this.#next;
    this.#next = undefined;
    // The server closed, or the answer ahead failed: the request behind goes out again (before
    // this connection is reported closed, so that a closing pool waits for it).
    if (next !== undefined && !next.over) {
      this.#policy.pipelineFailed();
      next.pipelined = false;
      this.#events.resend(next);
    }
    this.#events.closed(this);
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
    const ended = this.#socket === undefined || this.#socket.readableEnded;
    const reusable = (this.#parser?.reusable ?? false) && !ended && !this.#dead;
    this.#policy.answered(this.#served > 0, due < 0 ? 0 : this.#clock.now() - due, reusable);
    this.#served++;
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
      this.#events.free(this, reusable, this.#keepAlive);
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
    this.#bodyDueSince = -1;
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
    if (
      this.#status !== 0 &&
      this.#bodyDueSince < 0 &&
      this.#exchange !== undefined &&
      !this.#dead
    ) {
      this.#bodyDueSince = this.#clock.now();
      this.#headAlone(this.#exchange);
    }
  };

  /**
   * The head of `exchange`'s answer came alone. A request may go behind it only after a 2xx
   * (a 429 or 503 may ask for a pause, known once it has ended), on a connection that stays
   * open, with nothing behind it yet; whether one does is the policy's call.
   */
  #headAlone(exchange: PoolExchange): void {
    const parser = this.#parser;
    if (this.#next !== undefined || this.#status >= 300 || parser?.reusable !== true) return;
    if (!this.#policy.headAlone(parser.bodyLeft)) return;
    this.#events.stalled(this);
    exchange.handler.onResponseStalled?.();
  }

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
    this.#events.closed(this);
  };

  /**
   * Ends the current request with `err`, or sends it again, once, when it went out on a reused
   * connection that turned out to be stale (nothing of the answer arrived; GET is idempotent).
   */
  #fail(err: Error): void {
    const exchange = this.#exchange;
    const stale = this.#served > 0 && this.#parser?.started === false;
    this.#exchange = undefined;
    this.#parser = undefined;
    if (exchange === undefined || exchange.over) {
      this.destroy();
      return;
    }
    // A pipelined request the server closed on without answering: it does not take them.
    if (exchange.pipelined) this.#policy.pipelineFailed();
    if (stale && !exchange.retried) {
      exchange.retried = true;
      exchange.pipelined = false;
      // Before this connection is reported closed, so that a closing pool waits for it.
      this.#events.resend(exchange);
      this.destroy();
      return;
    }
    this.destroy();
    exchange.over = true;
    exchange.handler.onResponseError(err);
  }
}
