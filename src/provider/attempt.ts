import type { Dispatcher } from 'undici';
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

/** What one attempt needs: where, how long, how much, and the caller's cancellation. */
export interface AttemptOptions {
  readonly dispatcher: Dispatcher;
  readonly path: string;
  readonly timeoutMs: number;
  readonly timeoutText: string;
  readonly maxBodyBytes: number;
  readonly signal: AbortSignal | undefined;
}

// Error bodies are only drained so the connection can be reused; past this, just drop the socket.
const DRAIN_LIMIT = 64 * 1024;

/**
 * One GET with a hard deadline over connect, headers and body: a trickling body cannot
 * outlive `timeoutMs`. Rejects only when the caller's signal aborts, with its reason.
 */
export async function attemptGet(options: AttemptOptions): Promise<AttemptResult> {
  const { signal } = options;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(options.timeoutText));
  }, options.timeoutMs);
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted) throw signal.reason;
    const response = await options.dispatcher.request({
      path: options.path,
      method: 'GET',
      headers: { accept: 'application/json' },
      signal: controller.signal,
    });
    return await readResponse(response, options, controller.signal);
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    const failure = timedOut
      ? { kind: 'timeout' as const, reason: options.timeoutText }
      : describeNetworkError(err, options.timeoutText);
    return { ok: false, ...failure, status: null, retryable: true, retryAfterMs: null };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

async function readResponse(
  response: Dispatcher.ResponseData,
  options: AttemptOptions,
  signal: AbortSignal,
): Promise<AttemptResult> {
  const status = response.statusCode;
  if (status < 200 || status > 299) {
    await response.body.dump({ limit: DRAIN_LIMIT, signal }).catch(() => undefined);
    return {
      ok: false,
      kind: 'http',
      reason: `HTTP ${status}`,
      status,
      // 429 and 503 say "later", not "never"; other 4xx will not change on retry.
      retryable: status >= 500 || status === 429,
      retryAfterMs:
        status === 429 || status === 503
          ? parseRetryAfter(response.headers['retry-after'], Date.now())
          : null,
    };
  }
  const declared = Number(response.headers['content-length']);
  if (declared > options.maxBodyBytes) {
    response.body.destroy();
    return tooLarge(options.maxBodyBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length;
    if (size > options.maxBodyBytes) {
      response.body.destroy();
      return tooLarge(options.maxBodyBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return { ok: true, text: Buffer.concat(chunks, size).toString('utf8') };
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

/** `1 MiB`, `64 MiB`, `512 KiB`, `100 bytes`: limits are usually round binary sizes. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
