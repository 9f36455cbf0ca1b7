import type { Clock, Timer } from '../time/clock.ts';
import { BodyBuffer } from './body-buffer.ts';
import type { Exchange, ResponseHandler } from './http/exchange.ts';
import { describeNetworkError } from './network-error.ts';
import { parseRetryAfter } from './retry.ts';

/** How one GET ended: a 2xx body, or a failure with a one-line reason and whether to retry. */
export type AttemptResult =
  | { readonly ok: true; readonly text: string }
  | {
      readonly ok: false;
      readonly kind: 'timeout' | 'network' | 'http' | 'too-large';
      readonly reason: string;
      readonly status: number | null;
      readonly retryable: boolean;
      readonly retryAfterMs: number | null;
    };

/** Sends one GET and reports its answer to `handler`: the pool (http/pool.ts). */
export interface Sender {
  /** `lastRound`: no request will follow this one soon. */
  request(path: string, handler: ResponseHandler, lastRound: boolean): Exchange;
}

/** What one attempt needs: where, how long, how much, and the caller's cancellation. */
export interface AttemptOptions {
  readonly sender: Sender;
  readonly clock: Clock;
  readonly path: string;
  readonly timeoutMs: number;
  readonly timeoutText: string;
  readonly maxBodyBytes: number;
  readonly signal: AbortSignal | undefined;
  /** Time allowed until the response headers arrive, when shorter than `timeoutMs`. */
  readonly headersTimeoutMs?: number;
  /** Reason given when the headers did not arrive in time. */
  readonly headersTimeoutText?: string;
  /** The caller's slot, freed when the next request goes out behind this answer. */
  readonly slot?: { release(): void };
  /** No request will follow this one soon (a scan's last round). */
  readonly lastRound?: boolean;
}

// Error bodies are only drained so the connection can be reused; past this, just drop the socket.
const DRAIN_LIMIT = 64 * 1024;

/**
 * One GET with a hard deadline over connect, headers and body: a trickling body cannot
 * outlive `timeoutMs`, and silent headers cannot outlive `headersTimeoutMs`. The reason says
 * which phase ran out. Rejects only when the caller's signal aborts, with its reason.
 */
export function attemptGet(options: AttemptOptions): Promise<AttemptResult> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => new Attempt(options, resolve, reject).start());
}

/** The state of one attempt; settles exactly once, whatever the connection reports afterwards. */
class Attempt implements ResponseHandler {
  readonly #options: AttemptOptions;
  readonly #resolve: (result: AttemptResult) => void;
  readonly #reject: (reason: unknown) => void;
  #exchange: Exchange | undefined;
  #settled = false;
  #phase: 'headers' | 'body' = 'headers';
  #timer: Timer | undefined;
  #headersTimer: Timer | undefined;
  #status = 0;
  #retryAfterMs: number | null = null;
  #body = new BodyBuffer();
  /** Bytes of an error body drained so far. */
  #drained = 0;
  // Links in the list of attempts in flight under the same signal (see `#watch`).
  #list: InFlight | undefined;
  #prev: Attempt | undefined;
  #next: Attempt | undefined;

  constructor(
    options: AttemptOptions,
    resolve: (result: AttemptResult) => void,
    reject: (reason: unknown) => void,
  ) {
    this.#options = options;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  start(): void {
    const { clock, timeoutMs, headersTimeoutMs, timeoutText } = this.#options;
    this.#timer = clock.setTimeout(
      () => this.#expire(this.#phase === 'body' ? `${timeoutText} reading the body` : timeoutText),
      timeoutMs,
    );
    if (headersTimeoutMs !== undefined && headersTimeoutMs < timeoutMs) {
      this.#headersTimer = clock.setTimeout(
        () => this.#expire(this.#options.headersTimeoutText ?? timeoutText),
        headersTimeoutMs,
      );
    }
    if (this.#options.signal !== undefined) this.#watch(this.#options.signal);
    this.#exchange = this.#options.sender.request(
      this.#options.path,
      this,
      this.#options.lastRound ?? false,
    );
  }

  onResponseStart(statusCode: number, headers: Readonly<Record<string, string>>): void {
    if (this.#settled) return;
    this.#phase = 'body';
    this.#options.clock.clearTimeout(this.#headersTimer);
    this.#status = statusCode;
    if (!isOk(statusCode)) {
      if (statusCode === 429 || statusCode === 503) {
        this.#retryAfterMs = parseRetryAfter(headers['retry-after'], this.#options.clock.wallNow());
      }
      return;
    }
    const declared = Number(headers['content-length']);
    if (declared > this.#options.maxBodyBytes) {
      this.#finish(tooLarge(this.#options.maxBodyBytes));
      this.#exchange?.abort();
    }
  }

  onResponseStalled(): void {
    if (!this.#settled) this.#options.slot?.release();
  }

  onResponseData(chunk: Buffer): void {
    if (this.#settled) return;
    if (!isOk(this.#status)) {
      // Error bodies are only drained so the connection can be reused; past the limit, drop it.
      this.#drained += chunk.length;
      if (this.#drained > DRAIN_LIMIT) {
        this.#finish(this.#httpFailure());
        this.#exchange?.abort();
      }
      return;
    }
    if (this.#body.size + chunk.length > this.#options.maxBodyBytes) {
      this.#finish(tooLarge(this.#options.maxBodyBytes));
      this.#exchange?.abort();
      return;
    }
    this.#body.append(chunk);
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    if (!isOk(this.#status)) {
      this.#finish(this.#httpFailure());
      return;
    }
    this.#finish({ ok: true, text: this.#body.text() });
  }

  onResponseError(error: Error): void {
    if (this.#settled) return;
    const failure = describeNetworkError(error, this.#options.timeoutText);
    this.#finish({ ok: false, ...failure, status: null, retryable: true, retryAfterMs: null });
  }

  #httpFailure(): AttemptResult {
    const status = this.#status;
    return {
      ok: false,
      kind: 'http',
      reason: `HTTP ${status}`,
      status,
      // 429 and 503 say "later", not "never"; other 4xx will not change on retry.
      retryable: status >= 500 || status === 429,
      retryAfterMs: this.#retryAfterMs,
    };
  }

  #expire(reason: string): void {
    if (this.#settled) return;
    this.#finish({
      ok: false,
      kind: 'timeout',
      reason,
      status: null,
      retryable: true,
      retryAfterMs: null,
    });
    this.#exchange?.abort();
  }

  /**
   * Joins the attempts in flight under `signal`, which has one abort listener for all of them:
   * a listener per request, or a shared set, cost measurable CPU or memory at 100k requests
   * (docs/tuning.md), so the attempts are linked through themselves.
   */
  #watch(signal: AbortSignal): void {
    let list = inFlight.get(signal);
    if (list === undefined) {
      const created: InFlight = { head: undefined };
      list = created;
      inFlight.set(signal, created);
      signal.addEventListener('abort', () => Attempt.#abortAll(created, signal.reason), {
        once: true,
      });
    }
    this.#list = list;
    this.#next = list.head;
    if (list.head !== undefined) list.head.#prev = this;
    list.head = this;
  }

  #unwatch(): void {
    const list = this.#list;
    if (list === undefined) return;
    if (this.#prev === undefined) list.head = this.#next;
    else this.#prev.#next = this.#next;
    if (this.#next !== undefined) this.#next.#prev = this.#prev;
    this.#list = this.#prev = this.#next = undefined;
  }

  static #abortAll(list: InFlight, reason: unknown): void {
    let attempt = list.head;
    list.head = undefined;
    while (attempt !== undefined) {
      const next = attempt.#next;
      attempt.#list = attempt.#prev = attempt.#next = undefined;
      if (attempt.#settle()) attempt.#reject(reason);
      attempt.#exchange?.abort();
      attempt = next;
    }
  }

  #finish(result: AttemptResult): void {
    if (this.#settle()) this.#resolve(result);
  }

  /** Marks the attempt settled and releases its timers and listener; false if it already was. */
  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#options.clock.clearTimeout(this.#timer);
    this.#options.clock.clearTimeout(this.#headersTimer);
    this.#unwatch();
    return true;
  }
}

/** The attempts in flight under one signal, newest first. */
interface InFlight {
  head: Attempt | undefined;
}

const inFlight = new WeakMap<AbortSignal, InFlight>();

function isOk(status: number): boolean {
  return status >= 200 && status <= 299;
}

function tooLarge(limit: number): AttemptResult {
  return {
    ok: false,
    kind: 'too-large',
    reason: `body larger than ${formatBytes(limit)}`,
    status: null,
    retryable: false,
    retryAfterMs: null,
  };
}

/** `1 MiB`, `64 MiB`, `512 KiB`, `7.3 KiB`, `100 bytes`: exact for round sizes, else one decimal. */
export function formatBytes(bytes: number): string {
  const oneDecimal = (n: number) => String(Math.round(n * 10) / 10);
  if (bytes >= 1024 * 1024) return `${oneDecimal(bytes / 1024 / 1024)} MiB`;
  if (bytes >= 1024) return `${oneDecimal(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}
