import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Clock } from '../time/clock.ts';

/** What went wrong before an answer came, as a word and one line. */
export class HttpFailure extends Error {
  override readonly name = 'HttpFailure';
  readonly kind: 'timeout' | 'dns' | 'refused' | 'reset' | 'tls' | 'aborted' | 'network';

  constructor(kind: HttpFailure['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}

/** An answer: its status, headers, and at most `maxBodyBytes` of its body. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The body was longer than allowed; the connection was cut after the limit. */
  readonly truncated: boolean;
}

export interface HttpRequestOptions {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** For the whole exchange, connect to last byte: a receiver that trickles cannot hold on. */
  readonly timeoutMs: number;
  /** The timeout's timer. */
  readonly clock: Clock;
  readonly maxBodyBytes: number;
  readonly signal?: AbortSignal;
  readonly agents?: Agents;
}

/** Kept-alive connections of one receiver (or client); `destroy` when done with it. */
export interface Agents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
  destroy(): void;
}

/** A pair of agents that keep a couple of connections to one receiver open between sends. */
export function createAgents(): Agents {
  const http = new HttpAgent({ keepAlive: true, maxSockets: 2 });
  const https = new HttpsAgent({ keepAlive: true, maxSockets: 2 });
  return {
    http,
    https,
    destroy() {
      http.destroy();
      https.destroy();
    },
  };
}

/**
 * One HTTP exchange with node:http (a few requests a minute do not need a pool library):
 * bounded in time and in the body read, never throwing for an HTTP status, rejecting with an
 * HttpFailure when no answer came. Redirects are not followed.
 */
export function httpExchange(target: string, options: HttpRequestOptions): Promise<HttpAnswer> {
  const url = new URL(target);
  const secure = url.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  const agent = secure ? options.agents?.https : options.agents?.http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: HttpAnswer | HttpFailure): void => {
      if (settled) return;
      settled = true;
      options.clock.clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (outcome instanceof HttpFailure) reject(outcome);
      else resolve(outcome);
    };
    const headers: Record<string, string> = { 'User-Agent': 'fleetmon', ...options.headers };
    if (options.body !== undefined) {
      headers['Content-Type'] ??= 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(options.body));
    }
    const req = send(
      url,
      { method: options.method, headers, ...(agent ? { agent } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const answer = (truncated: boolean): HttpAnswer => ({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          truncated,
        });
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          const room = options.maxBodyBytes - size;
          if (chunk.length <= room) {
            chunks.push(chunk);
            size += chunk.length;
            return;
          }
          chunks.push(chunk.subarray(0, room));
          finish(answer(true));
          res.destroy();
        });
        res.on('end', () => finish(answer(false)));
        res.on('error', (err) => finish(failureOf(err)));
      },
    );
    const timer = options.clock.setTimeout(() => {
      finish(new HttpFailure('timeout', `no answer within ${options.timeoutMs} ms`));
      req.destroy();
    }, options.timeoutMs);
    const onAbort = (): void => {
      finish(new HttpFailure('aborted', 'stopped'));
      req.destroy();
    };
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => finish(failureOf(err)));
    req.end(options.body);
  });
}

function failureOf(err: NodeJS.ErrnoException): HttpFailure {
  const code = err.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new HttpFailure('dns', `host not found (${code})`);
  }
  if (code === 'ECONNREFUSED') return new HttpFailure('refused', 'connection refused');
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') {
    return new HttpFailure('reset', 'connection reset');
  }
  if (/CERT|TLS|SSL|SELF_SIGNED/.test(code)) return new HttpFailure('tls', `TLS failed (${code})`);
  return new HttpFailure('network', code === '' ? err.message : `network error (${code})`);
}
