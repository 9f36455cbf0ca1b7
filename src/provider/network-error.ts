import { HttpError } from './http/http-error.ts';

/** Why a request failed below HTTP, as one line, and whether it was a timeout. */
export interface NetworkFailure {
  readonly kind: 'timeout' | 'network';
  readonly reason: string;
}

const BY_CODE: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
};

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'HTTP_CONNECT_TIMEOUT']);

/** Turns an error from the HTTP client or the socket layer into a short reason such as `connection reset (ECONNRESET)`. */
export function describeNetworkError(err: unknown, timeoutText: string): NetworkFailure {
  const code = errorCode(err);
  if (code !== undefined && TIMEOUT_CODES.has(code))
    return { kind: 'timeout', reason: timeoutText };
  // The client's own errors already read as one line for users; their codes mean nothing to them.
  if (err instanceof HttpError) return { kind: 'network', reason: err.message };
  const known = code === undefined ? undefined : BY_CODE[code];
  // OS codes are what people search for.
  if (known !== undefined) return { kind: 'network', reason: `${known} (${code})` };
  const message = err instanceof Error ? err.message : String(err);
  const line = message.split('\n')[0]?.slice(0, 120) ?? '';
  return { kind: 'network', reason: code === undefined ? line : `${line} (${code})` };
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const own = (err as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  // Happy-eyeballs connects fail with an AggregateError holding one error per address.
  const inner = (err as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.length > 0) return errorCode(inner[0]);
  const cause = (err as { cause?: unknown }).cause;
  return cause === undefined ? undefined : errorCode(cause);
}
