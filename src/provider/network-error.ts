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
  UND_ERR_SOCKET: 'connection closed before the response was complete',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'response shorter than its Content-Length',
  UND_ERR_CLOSED: 'client closed',
  UND_ERR_DESTROYED: 'client closed',
  // The client refuses heads over 16 KiB (client.ts): a flood of headers cannot exhaust memory.
  UND_ERR_HEADERS_OVERFLOW: 'response headers larger than 16 KiB',
};

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Turns an error from undici or the socket layer into a short reason such as `connection reset (ECONNRESET)`. */
export function describeNetworkError(err: unknown, timeoutText: string): NetworkFailure {
  const code = errorCode(err);
  if (code !== undefined && TIMEOUT_CODES.has(code))
    return { kind: 'timeout', reason: timeoutText };
  const known = code === undefined ? undefined : BY_CODE[code];
  if (known !== undefined) {
    // OS codes are what people search for; undici's own codes mean nothing to users.
    return { kind: 'network', reason: code?.startsWith('E') ? `${known} (${code})` : known };
  }
  const name = err instanceof Error ? err.name : '';
  if (name === 'HTTPParserError') return { kind: 'network', reason: 'invalid HTTP response' };
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
