import { createRequire } from 'node:module';
import { connect as netConnect, type Socket } from 'node:net';
import type * as Tls from 'node:tls';
import { formatDuration } from '../core/duration.ts';
import type { Clock, Timer } from '../time/clock.ts';
import type { FlowPolicy } from './flow/policy.ts';
import { HttpError } from './http/http-error.ts';

/** Opens a connection to the provider; returns a function that abandons it. */
export type Connect = (done: (err: Error | null, socket: Socket | null) => void) => () => void;

/** Starts one connect; `done` gets null once the socket can carry a request, or the error. */
export type OpenSocket = (done: (err: Error | null) => void) => Socket;

/** How the retrying connector behaves. */
export interface ConnectorOptions {
  /** `http:` or `https:` origin of the provider. */
  readonly origin: URL;
  /** Overall time a connect may take, retries included. */
  readonly timeoutMs: number;
  /** Paces connects and hears of dropped ones. */
  readonly policy: FlowPolicy;
  readonly clock: Clock;
  /** Least wait before a connect is re-sent; default 2 ms. */
  readonly minRetryMs?: number;
  /** Starts one TCP (or TLS) connect; default a socket to `origin`. Injected by tests. */
  readonly open?: OpenSocket;
}

/** Never re-send a connect sooner than this many times the usual connect time. */
const RETRY_FACTOR = 4;
/** Before any connect has succeeded: a cautious first re-send. */
const FIRST_RETRY_MS = 200;

/**
 * A connector that re-sends a connect taking far longer than connects to this provider
 * usually take, instead of waiting for the kernel's SYN retransmit (1 s: the kernel knows
 * nothing of the path yet). A single-threaded provider with a small listen backlog silently
 * drops SYNs while its accept queue is full; we know the usual connect time.
 *
 * - A connect pending for 4× the usual time (at least `minRetryMs`, and half as long as the
 *   listen queue lately stayed full) is abandoned and a fresh one sent, the wait doubling each
 *   time. Nothing was sent on it, so nothing is duplicated. Each re-send tells the policy,
 *   which paces connects.
 * - When the provider lets go of a connection, the policy re-sends at once the oldest connect
 *   that has waited 4× the usual time: its queue has room now.
 * - The last try gets whatever time is left of `timeoutMs`, then the connect fails.
 * - A connect is never given up for the client's own slowness: the decision waits until the
 *   I/O of that turn of the event loop has been handled.
 */
export function createRetryingConnector(options: ConnectorOptions): Connect {
  const { policy, clock } = options;
  const minRetryMs = options.minRetryMs ?? 2;
  const open = options.open ?? socketOpener(options.origin);
  let usualMs: number | undefined;
  // How long the listen queue stayed full lately: the wait a connect got through on after
  // re-sends, halved by each connect that gets through at once. A queue that drains one
  // connection per 50 ms is not worth a SYN every 2, 4, 8 ms.
  let fullMs = 0;

  return (done) => {
    let over = false;
    let begun = false;
    let abandon: (() => void) | undefined;
    const withdraw = policy.whenConnectAllowed(() => {
      begun = true;
      abandon = begin((err, socket) => {
        // The pool counts the connection as held first, so the pacer sees it when it wakes.
        done(err, socket);
        policy.connectEnded();
      });
    });
    return () => {
      if (over) return;
      over = true;
      if (!begun) withdraw();
      else abandon?.();
    };
  };

  function begin(done: (err: Error | null, socket: Socket | null) => void): () => void {
    const sentAt = clock.now();
    const deadline = sentAt + options.timeoutMs;
    let wait =
      usualMs === undefined
        ? FIRST_RETRY_MS
        : Math.max(minRetryMs, usualMs * RETRY_FACTOR, fullMs / 2);
    let current: Socket | undefined;
    let timer: Timer | undefined;
    let over = false;
    let resend = (): boolean => false;
    const untrack = policy.trackConnect(() => resend());
    const attempt = (first: boolean): void => {
      const started = clock.now();
      let settled = false;
      // The last try gets whatever time is left as its timeout.
      const retry = started + wait < deadline - wait;
      const giveUp = (backOff: boolean): void => {
        if (settled || over) return;
        settled = true;
        socket.destroy();
        policy.connectDropped(sentAt);
        if (backOff) wait *= 2;
        attempt(false);
      };
      // Re-sent early when the provider makes room, once the connect has taken as long as
      // would have its timer re-send it, were there no floor.
      let resent = false;
      resend = () => {
        if (settled || over || resent || !retry || usualMs === undefined) return false;
        if (clock.now() - started < usualMs * RETRY_FACTOR) return false;
        resent = true;
        clock.clearTimeout(timer);
        clock.setImmediate(() => giveUp(false));
        return true;
      };
      const timedOut = (): void => {
        if (settled || over) return;
        settled = true;
        const text = `connect timed out after ${formatDuration(options.timeoutMs)}`;
        finish(new HttpError('HTTP_CONNECT_TIMEOUT', text), null);
      };
      // Timers run before I/O in a turn of the event loop: after a busy stretch the timer could
      // fire ahead of a connect that has in fact completed. Immediates run after I/O.
      timer = clock.setTimeout(
        () => (retry ? clock.setImmediate(() => giveUp(true)) : timedOut()),
        retry ? wait : Math.max(0, deadline - started),
      );
      const socket = open((err) => {
        if (settled || over) return;
        settled = true;
        if (err === null && first) {
          const took = clock.now() - started;
          usualMs = usualMs === undefined ? took : usualMs + (took - usualMs) / 8;
          fullMs /= 2;
          policy.connectCompleted();
        } else if (err === null) {
          fullMs = wait;
        }
        finish(err, err === null ? socket : null);
      });
      current = socket;
    };
    const finish = (err: Error | null, socket: Socket | null): void => {
      over = true;
      untrack();
      clock.clearTimeout(timer);
      if (err !== null) current?.destroy();
      done(err, socket);
    };
    attempt(true);
    return () => {
      if (over) return;
      over = true;
      untrack();
      clock.clearTimeout(timer);
      current?.destroy();
      policy.connectEnded();
    };
  }
}

/** Starts one TCP (or TLS) connect to `origin`. */
function socketOpener(origin: URL): OpenSocket {
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
  // Loaded on first use: most providers are plain HTTP, and TLS adds to start-up.
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
