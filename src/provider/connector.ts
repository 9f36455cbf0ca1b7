import { createRequire } from 'node:module';
import { connect as netConnect, type Socket } from 'node:net';
import type * as Tls from 'node:tls';
import { formatDuration } from '../core/duration.ts';
import { HttpError } from './http/http-error.ts';

/** Opens a connection to the provider; returns a function that abandons it. */
export type Connect = (done: (err: Error | null, socket: Socket | null) => void) => () => void;

/** How the retrying connector behaves. */
export interface ConnectorOptions {
  /** `http:` or `https:` origin of the provider. */
  readonly origin: URL;
  /** Overall time a connect may take, retries included. */
  readonly timeoutMs: number;
  /**
   * Called when a connect was slow enough to be retried: a sign of an overflowing listen queue.
   * `sentAt` is when the first try of that connect began (`performance.now()`); `pending` is
   * how many connects (this one included) have not completed yet.
   */
  readonly onSlowConnect?: (sentAt: number, pending: number) => void;
  /** Where the connects not completed yet are kept; default a tracker of its own. */
  readonly pending?: PendingConnects;
  /** Least wait before a connect is retried; default 2 ms. */
  readonly minRetryMs?: number;
}

/** A connect waiting this many times longer than the fastest one here looks dropped... */
const STALL_FACTOR = 4;
/** ...once it has waited at least this many ms. */
const STALL_FLOOR_MS = 1;

/** The connects not completed yet, oldest first: what the client sees of a provider's listen queue. */
export class PendingConnects {
  readonly #entries = new Set<{ readonly sentAt: number }>();
  #fastestMs = Number.POSITIVE_INFINITY;

  /** How many connects are waiting. */
  get size(): number {
    return this.#entries.size;
  }

  add(sentAt: number): { readonly sentAt: number } {
    const entry = { sentAt };
    this.#entries.add(entry);
    return entry;
  }

  /** The connect of `entry` is over; `tookMs` when it succeeded at the first try. */
  delete(entry: { readonly sentAt: number }, tookMs?: number): void {
    this.#entries.delete(entry);
    if (tookMs !== undefined && tookMs < this.#fastestMs) this.#fastestMs = tookMs;
  }

  /**
   * Whether the oldest waiting connect has waited far longer than the fastest connect to this
   * provider took: its SYN was most likely dropped, the listen queue is full. Known at once,
   * before the connector's retry timer reports it.
   */
  stalled(now: number): boolean {
    const oldest = this.#entries.values().next().value;
    if (oldest === undefined || this.#fastestMs === Number.POSITIVE_INFINITY) return false;
    if (this.#fastestMs < 1 && this.#entries.size >= 2) return true;
    return now - oldest.sentAt > Math.max(STALL_FLOOR_MS, STALL_FACTOR * this.#fastestMs);
  }
}

/** Never retry a connect sooner than this many times the usual connect time. */
const RETRY_FACTOR = 4;
/** Before any connect has succeeded: a cautious first retry. */
const FIRST_RETRY_MS = 200;

/**
 * A connector that re-sends a connect when it takes far longer than connects to this
 * provider usually take, instead of waiting for the kernel's SYN retransmit.
 *
 * Why: a single-threaded provider with a small listen backlog (the original's was 5)
 * silently drops SYNs while its accept queue is full, and the kernel retransmits only
 * after a fixed 1 s (RFC 6298's initial RTO: the kernel knows nothing of the path yet).
 * We do know it: the connect times seen so far. A connect pending for 4× the usual time
 * (at least `minRetryMs`) is abandoned and a fresh one sent, with the wait doubling
 * each time; no request has been sent on it yet, so nothing is duplicated. Each such
 * retry is reported, so the adaptive window shrinks and the queue drains.
 *
 * The floor is low (2 ms: loopback connects take ~0.1 ms, a dropped SYN forever) because the
 * report is the adaptive window's only early sign of an overflowing backlog: at 10 ms, slow
 * start had grown the window from 4 to 32 before the first report came back, and 40 of 150
 * connects were dropped on the serial seed provider (bench/README.md). A connect is never
 * given up for the client's own slowness: the decision waits for the I/O of that turn.
 */
export function createRetryingConnector(options: ConnectorOptions): Connect {
  const minRetryMs = options.minRetryMs ?? 2;
  const open = socketOpener(options.origin);
  let usualMs: number | undefined;
  const pending = options.pending ?? new PendingConnects();

  return (done) => {
    const deadline = performance.now() + options.timeoutMs;
    let wait =
      usualMs === undefined ? FIRST_RETRY_MS : Math.max(minRetryMs, usualMs * RETRY_FACTOR);
    let current: Socket | undefined;
    let timer: NodeJS.Timeout | undefined;
    let over = false;
    const sentAt = performance.now();
    const entry = pending.add(sentAt);
    let tookMs: number | undefined;
    const attempt = (first: boolean): void => {
      const started = performance.now();
      let settled = false;
      // The last attempt gets whatever time is left as its connect timeout.
      const retry = started + wait < deadline - wait;
      const giveUp = (): void => {
        if (settled || over) return;
        settled = true;
        socket.destroy();
        options.onSlowConnect?.(sentAt, pending.size);
        wait *= 2;
        attempt(false);
      };
      // Timers run before I/O in each turn of the event loop: after a busy stretch the timer
      // would fire ahead of a connect that has in fact completed. setImmediate runs after I/O.
      timer = setTimeout(
        () => (retry ? setImmediate(giveUp) : connectTimedOut()),
        retry ? wait : Math.max(0, deadline - started),
      );
      const connectTimedOut = (): void => {
        if (settled || over) return;
        settled = true;
        finish(
          new HttpError(
            'HTTP_CONNECT_TIMEOUT',
            `connect timed out after ${formatDuration(options.timeoutMs)}`,
          ),
          null,
        );
      };
      const socket = open((err) => {
        if (settled || over) return;
        settled = true;
        if (err === null && first) {
          tookMs = performance.now() - started;
          usualMs = usualMs === undefined ? tookMs : usualMs + (tookMs - usualMs) / 8;
        }
        finish(err, err === null ? socket : null);
      });
      current = socket;
    };
    const finish = (err: Error | null, socket: Socket | null): void => {
      over = true;
      pending.delete(entry, tookMs);
      clearTimeout(timer);
      if (err !== null) current?.destroy();
      done(err, socket);
    };
    attempt(true);
    return () => {
      if (over) return;
      over = true;
      pending.delete(entry);
      clearTimeout(timer);
      current?.destroy();
    };
  };
}

/** Starts one TCP (or TLS) connect; `done` gets null once the socket can carry a request. */
function socketOpener(origin: URL): (done: (err: Error | null) => void) => Socket {
  // URL keeps IPv6 literals in brackets; sockets want them bare.
  const host = origin.hostname.replace(/^\[(.*)\]$/, '$1');
  const https = origin.protocol === 'https:';
  const port = Number(origin.port) || (https ? 443 : 80);
  return (done) => {
    // allowHalfOpen: the pool destroys a socket at its end of input anyway, so Node need not
    // shut down our side first (a syscall and a callback per request on closing providers).
    const socket = https
      ? tlsConnect(host, port)
      : netConnect({ host, port, noDelay: true, allowHalfOpen: true });
    const onError = (err: Error): void => {
      socket.off(https ? 'secureConnect' : 'connect', onConnect);
      done(err);
    };
    const onConnect = (): void => {
      socket.off('error', onError);
      done(null);
    };
    socket.once('error', onError);
    socket.once(https ? 'secureConnect' : 'connect', onConnect);
    return socket;
  };
}

let tls: typeof Tls | undefined;

function tlsConnect(host: string, port: number): Socket {
  // Loaded on first use: most providers are plain HTTP, and TLS costs ~10 ms of start-up.
  tls ??= createRequire(import.meta.url)('node:tls') as typeof Tls;
  const isIp = /^[\d.]+$|:/.test(host);
  const socket = tls.connect({
    host,
    port,
    ALPNProtocols: ['http/1.1'],
    ...(isIp ? {} : { servername: host }),
  });
  socket.setNoDelay(true);
  return socket;
}
