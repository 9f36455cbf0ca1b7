import { escapeUnprintable } from '../core/printable.ts';
import type { ProbeFailure } from '../core/probe-types.ts';

/** A failure below HTTP, as a kind and one line. */
export interface NetworkFailure {
  readonly failure: ProbeFailure;
  readonly reason: string;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const CONNECT_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host down',
  ENETDOWN: 'network down',
  EADDRNOTAVAIL: 'address not available',
  ECONNRESET: 'connection reset before the answer was complete',
  EPIPE: 'connection closed while sending the request',
  ECONNABORTED: 'connection aborted',
  ETIMEDOUT: 'connection timed out',
};
/** OpenSSL's and Node's certificate and handshake errors. */
const TLS_CODE =
  /^(?:ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_|INVALID_CA|EPROTO$)/;

/** Names the failure of a request to `target` (`host:port`) from the error Node raised. */
export function classifyNetworkError(err: unknown, target: string): NetworkFailure {
  const code = codeOf(err);
  const message = firstLine(err instanceof Error ? err.message : String(err));
  if (code !== undefined && DNS_CODES.has(code)) {
    const host = target.replace(/:\d+$/, '');
    const why = code === 'EAI_AGAIN' ? 'lookup failed for now' : 'no such host';
    return { failure: 'dns', reason: clean(`cannot resolve ${host}: ${why} (${code})`) };
  }
  if (code !== undefined && TLS_CODE.test(code)) {
    return { failure: 'tls', reason: clean(`TLS with ${target} failed: ${message} (${code})`) };
  }
  const known = code === undefined ? undefined : CONNECT_CODES[code];
  if (known !== undefined)
    return { failure: 'connect', reason: clean(`${target}: ${known} (${code})`) };
  if (code?.startsWith('HPE_')) {
    return {
      failure: 'protocol',
      reason: clean(`${target} did not answer valid HTTP: ${message} (${code})`),
    };
  }
  return {
    failure: 'connect',
    reason: clean(`${target}: ${message}${code === undefined ? '' : ` (${code})`}`),
  };
}

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const own = (err as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  // Happy-eyeballs connects fail with an AggregateError holding one error per address.
  const inner = (err as { errors?: unknown }).errors;
  return Array.isArray(inner) && inner.length > 0 ? codeOf(inner[0]) : undefined;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 160);
}

function clean(text: string): string {
  return escapeUnprintable(text);
}
