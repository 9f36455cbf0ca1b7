// One HTTP request of a probe, on node:http / node:https: any method, TLS, DNS, a body read up to
// a limit, and one deadline for the whole exchange (a trickle cannot outlast it). node:http
// rather than undici because a clock reading needs the instant the request left: the socket's
// connect event (below) gives it, which no public undici hook does. A probe sends a few
// requests a second at most, so the client's speed does not matter here.
import {
  Agent as HttpAgent,
  type AgentOptions as HttpAgentOptions,
  request as httpRequest,
  type IncomingHttpHeaders,
  type RequestOptions,
} from 'node:http';
import {
  Agent as HttpsAgent,
  type AgentOptions as HttpsAgentOptions,
  request as httpsRequest,
} from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { formatDuration } from '../core/duration.ts';
import type { ProbeFailure } from '../core/probe-types.ts';
import type { Clock, Timer } from '../time/clock.ts';
import type { WallClock } from '../time/wall-clock.ts';
import { classifyNetworkError } from './network-failure.ts';

/** An answer, with the times a clock reading needs (our clock, ms). */
export interface ExchangeAnswer {
  readonly kind: 'answer';
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Before the request was made (DNS and connect follow). */
  readonly startedAt: number;
  /** No later than the request left: the connect on a new connection, else `startedAt`. */
  readonly sentAt: number;
  /** When the head had arrived. */
  readonly headersAt: number;
  /** When the body had arrived. */
  readonly endAt: number;
  /** Whether the request went over a connection already open. */
  readonly reused: boolean;
  /** Whether the server lets the connection stay open for another request. */
  readonly keepAlive: boolean;
}

/** A request that ended without a whole answer. */
export interface ExchangeFailed {
  readonly kind: 'failed';
  readonly failure: ProbeFailure;
  readonly reason: string;
  /** The status when the head had come before the failure. */
  readonly status: number | null;
  readonly endAt: number;
}

/** What one request asks. */
export interface ExchangeRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly maxBodyBytes: number;
  /** By our clock: the exchange fails with `timeout` if it has not ended then. */
  readonly deadline: number;
  /** For the timeout message: the probe's whole timeout. */
  readonly timeoutMs: number;
}

/** The edges a probe's connections need. */
export interface ConnectionOptions {
  /** Our clock to the µs, for the times of the exchange. */
  readonly wallClock: WallClock;
  /** The timeout's timer. */
  readonly clock: Clock;
  /** Accept any certificate. */
  readonly insecure: boolean;
  /** Name resolution; default the system's (`dns.lookup`). */
  readonly lookup?: LookupFunction | undefined;
  readonly userAgent: string;
  /**
   * Keep each connection open for further requests of the run (the clock's). Without, every
   * request has a connection of its own, closed after the answer: no agent to keep, no
   * keep-alive probes on the socket, and less CPU for a probe that sends one request.
   */
  readonly keepAlive: boolean;
}

/**
 * The connections of one probe run: one kept-alive connection per origin, so the clock's further
 * requests go over the connection the first one opened. `close` destroys them all.
 */
export class ProbeConnections {
  readonly #options: ConnectionOptions;
  readonly #agents = new Map<string, HttpAgent>();
  /** When each new connection was established, by our clock. */
  readonly #connectedAt = new WeakMap<Duplex, number>();

  constructor(options: ConnectionOptions) {
    this.#options = options;
  }

  /** Sends one request and reads its answer; never rejects. */
  send(request: ExchangeRequest, signal?: AbortSignal): Promise<ExchangeAnswer | ExchangeFailed> {
    return new Promise((resolve) => exchange(this, request, signal, resolve));
  }

  /** Destroys every connection of the run. */
  close(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }

  /** @internal the agent of an origin, made on first use; `false` without keep-alive. */
  agentFor(url: URL): HttpAgent | false {
    if (!this.#options.keepAlive) return false;
    let agent = this.#agents.get(url.origin);
    if (agent === undefined) {
      agent = this.#newAgent(url.protocol === 'https:');
      this.#agents.set(url.origin, agent);
    }
    return agent;
  }

  /** @internal when `socket` connected; `undefined` while it has not. */
  connectedAt(socket: Duplex): number | undefined {
    return this.#connectedAt.get(socket);
  }

  get options(): ConnectionOptions {
    return this.#options;
  }

  #newAgent(tls: boolean): HttpAgent {
    const connectedAt = this.#connectedAt;
    const { wallClock } = this.#options;
    // The listener goes on at creation, before Node queues the request's write behind the
    // connect, so the time is taken before the request can leave. With TLS this is the TCP
    // connect, before the handshake: earlier than needed, never later.
    const mark: Marker = (socket) => {
      socket?.once('connect', () => connectedAt.set(socket, wallClock.now()));
      return socket;
    };
    const settings = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1 };
    return tls
      ? new MarkingHttpsAgent({ ...settings, rejectUnauthorized: !this.#options.insecure }, mark)
      : new MarkingHttpAgent(settings, mark);
  }
}

type Marker = (socket: Duplex | null | undefined) => Duplex | null | undefined;
type Created = (err: Error | null, stream: Duplex) => void;

/** An http agent that hands each new connection to `mark` as it is created. */
class MarkingHttpAgent extends HttpAgent {
  readonly #mark: Marker;
  constructor(options: HttpAgentOptions, mark: Marker) {
    super(options);
    this.#mark = mark;
  }
  override createConnection(options: RequestOptions, callback?: Created) {
    return this.#mark(super.createConnection(options, callback));
  }
}

/** The same for https. */
class MarkingHttpsAgent extends HttpsAgent {
  readonly #mark: Marker;
  constructor(options: HttpsAgentOptions, mark: Marker) {
    super(options);
    this.#mark = mark;
  }
  override createConnection(options: RequestOptions, callback?: Created) {
    return this.#mark(super.createConnection(options, callback));
  }
}

function exchange(
  connections: ProbeConnections,
  request: ExchangeRequest,
  signal: AbortSignal | undefined,
  resolve: (result: ExchangeAnswer | ExchangeFailed) => void,
): void {
  const { wallClock, clock, lookup, userAgent, insecure } = connections.options;
  const { url } = request;
  const target = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  const startedAt = wallClock.now();
  let socket: Duplex | undefined;
  let reused = false;
  let status: number | null = null;
  let received = 0;
  let settled = false;
  let timer: Timer | undefined;

  const finish = (result: ExchangeAnswer | ExchangeFailed): void => {
    if (settled) return;
    settled = true;
    clock.clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    resolve(result);
  };
  const fail = (failure: ProbeFailure, reason: string): void => {
    finish({ kind: 'failed', failure, reason, status, endAt: wallClock.now() });
    req.destroy();
  };
  const onAbort = (): void => fail('timeout', 'probe stopped before the answer came');

  const options: RequestOptions = {
    method: request.method,
    agent: connections.agentFor(url),
    headers: {
      'User-Agent': userAgent,
      Accept: '*/*',
      // A cache's answer says nothing about the server, and its clock reading is old.
      'Cache-Control': 'no-cache',
      ...request.headers,
    },
    ...(lookup === undefined ? {} : { lookup }),
    ...(url.protocol === 'https:' ? { rejectUnauthorized: !insecure } : {}),
  };
  const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
    const headersAt = wallClock.now();
    status = res.statusCode ?? 0;
    const declared = Number(res.headers['content-length']);
    if (declared > request.maxBodyBytes) {
      fail(
        'too_large',
        `body of ${declared} bytes is larger than ${sizeText(request.maxBodyBytes)}`,
      );
      return;
    }
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > request.maxBodyBytes) {
        fail('too_large', `body larger than ${sizeText(request.maxBodyBytes)}`);
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => {
      const connectedAt = socket === undefined ? undefined : connections.connectedAt(socket);
      finish({
        kind: 'answer',
        status: status ?? 0,
        headers: res.headers,
        body: Buffer.concat(chunks),
        startedAt,
        sentAt: reused || connectedAt === undefined ? startedAt : connectedAt,
        headersAt,
        endAt: wallClock.now(),
        reused,
        keepAlive: keepsAlive(res.httpVersion, res.headers.connection),
      });
    });
    res.on('error', (err) => failWith(err));
  });
  const failWith = (err: unknown): void => {
    const { failure, reason } = classifyNetworkError(err, target);
    fail(failure, reason);
  };
  let connected = false;
  req.on('socket', (s) => {
    socket = s;
    reused = req.reusedSocket;
    // For the timeout message only; the time a clock reading needs is taken by the agent.
    if ((s as Socket).connecting) s.once('connect', () => (connected = true));
    else connected = true;
  });
  req.on('error', failWith);
  timer = clock.setTimeout(
    () => fail('timeout', timeoutText(request.timeoutMs, status, received, connected)),
    Math.max(0, request.deadline - startedAt),
  );
  if (signal?.aborted) {
    onAbort();
    return;
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  req.end(request.body);
}

/** HTTP/1.1 keeps a connection open unless told to close it; HTTP/1.0 only when asked. */
function keepsAlive(version: string, connection: string | undefined): boolean {
  const tokens = (connection ?? '').toLowerCase();
  return version === '1.0' ? tokens.includes('keep-alive') : !tokens.includes('close');
}

function timeoutText(
  timeoutMs: number,
  status: number | null,
  received: number,
  connected: boolean,
): string {
  const limit = formatDuration(timeoutMs);
  if (!connected) return `no connection within ${limit}`;
  if (status === null) return `no answer within ${limit}`;
  return `answer ${status} not complete within ${limit} (${received} bytes of body so far)`;
}

function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
