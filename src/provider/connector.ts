import type { Socket } from 'node:net';
import type { buildConnector as BuildConnector } from 'undici';
import { buildConnector } from './undici-parts.ts';

/** How the retrying connector behaves. */
export interface ConnectorOptions {
  /** Overall time a connect may take, retries included (undici's `connectTimeout`). */
  readonly timeoutMs: number;
  /** Called when a connect was slow enough to be retried: a sign of an overflowing listen queue. */
  readonly onSlowConnect?: () => void;
  /** Least wait before a connect is retried; default 10 ms. */
  readonly minRetryMs?: number;
}

/** Never retry a connect sooner than this many times the usual connect time. */
const RETRY_FACTOR = 4;
/** Before any connect has succeeded: a cautious first retry. */
const FIRST_RETRY_MS = 200;

/**
 * An undici connector that re-sends a connect when it takes far longer than connects
 * to this provider usually take, instead of waiting for the kernel's SYN retransmit.
 *
 * Why: a single-threaded provider with a small listen backlog (the original's was 5)
 * silently drops SYNs while its accept queue is full, and the kernel retransmits only
 * after a fixed 1 s (RFC 6298's initial RTO: the kernel knows nothing of the path yet).
 * We do know it: the connect times seen so far. A connect pending for 4× the usual time
 * (at least `minRetryMs`) is abandoned and a fresh one sent, with the wait doubling
 * each time; no request has been sent on it yet, so nothing is duplicated. Each such
 * retry is reported, so the adaptive window shrinks and the queue drains.
 */
export function createRetryingConnector(options: ConnectorOptions): BuildConnector.connector {
  const base = buildConnector({ timeout: options.timeoutMs });
  const minRetryMs = options.minRetryMs ?? 10;
  let usualMs: number | undefined;

  return (connectOptions, callback) => {
    const deadline = performance.now() + options.timeoutMs;
    let wait =
      usualMs === undefined ? FIRST_RETRY_MS : Math.max(minRetryMs, usualMs * RETRY_FACTOR);
    const attempt = (first: boolean): void => {
      const started = performance.now();
      let settled = false;
      // The last attempt gets whatever time is left, with undici's own connect timeout.
      const retry = started + wait < deadline - wait;
      const giveUp = (): void => {
        if (settled) return;
        settled = true;
        socket?.destroy();
        options.onSlowConnect?.();
        wait *= 2;
        attempt(false);
      };
      // Timers run before I/O in each turn of the event loop: after a busy stretch the timer
      // would fire ahead of a connect that has in fact completed. setImmediate runs after I/O.
      const timer = retry ? setTimeout(() => setImmediate(giveUp), wait) : undefined;
      const socket: Socket | undefined = base(connectOptions, (err, connected) => {
        if (settled) {
          connected?.destroy();
          return;
        }
        settled = true;
        clearTimeout(timer);
        if (err === null && first) {
          const took = performance.now() - started;
          usualMs = usualMs === undefined ? took : usualMs + (took - usualMs) / 8;
        }
        if (err === null) callback(null, connected);
        else callback(err, null);
      }) as unknown as Socket | undefined;
    };
    attempt(true);
  };
}
