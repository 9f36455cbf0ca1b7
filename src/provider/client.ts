import { isIP } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { formatDuration } from '../core/duration.ts';
import { FleetmonError } from '../core/errors.ts';
import { ipv4Key } from '../core/ip.ts';
import type { Reading, TrafficSummary } from '../core/types.ts';
import { displayUrl } from './address.ts';
import { type AttemptResult, attemptGet, formatBytes } from './attempt.ts';
import { ConnectPacer, createRetryingConnector } from './connector.ts';
import { HttpPool } from './http/pool.ts';
import { RequestGate } from './request-gate.ts';
import { type Backoff, backoffDelay, DEFAULT_BACKOFF } from './retry.ts';
import { parseServerList } from './servers-body.ts';
import { parseStatsBody } from './stats-body.ts';
import { TrafficCounter } from './traffic.ts';

/** How to reach the provider and how hard to try. */
export interface ProviderClientOptions {
  /** Base URL from `parseApiAddress`; its path ends in `/`. */
  baseUrl: URL;
  /** Per attempt, covering connect, headers and the whole body. */
  timeoutMs: number;
  /** Extra attempts after network errors, timeouts, 5xx and 429 (never after other 4xx). */
  retries: number;
  /** Most requests in flight to the provider at once; the adaptive window stays at or below it. */
  concurrency: number;
  /** Hard cap in requests per second (`--rate`), averaged with bursts of 50 ms worth; default none. */
  ratePerSecond?: number | undefined;
  /** Adapt the window to the provider's latency and errors (default true); false pins it at `concurrency`. */
  adaptive?: boolean;
  /** Largest accepted stats body; default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Most entries accepted in one `/servers` list; default 1,000,000. It also caps the list's
   * size in bytes ({@link listBytesFor}), so a hostile provider cannot exhaust memory.
   */
  maxInstances?: number;
  /** Time allowed until response headers arrive; default (and at most) `timeoutMs`. */
  headersTimeoutMs?: number;
  /** Exponential backoff with full jitter between attempts; default 50 ms up to 1 s. */
  backoff?: Backoff;
  /** Source of jitter in [0, 1); injected by tests. */
  random?: () => number;
  /** Waits between attempts; rejects when the signal aborts. Injected by tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The CPX provider as fleetmon sees it (docs/architecture.md §1). */
export interface ProviderClient {
  /** Display form of the base URL, e.g. `http://127.0.0.1:9001`. */
  readonly url: string;
  /** Problems found in the last `/servers` answer that did not stop the scan. */
  readonly lastListWarnings: readonly string[];
  /**
   * Distinct instance IPs in listing order. Throws FleetmonError `provider-unreachable` or
   * `provider-invalid`, or the signal's reason when aborted.
   */
  listServers(signal?: AbortSignal): Promise<string[]>;
  /**
   * Stats of one instance. Failures come back as `{ok: false, error}`; throws only the signal's
   * reason on abort. `lastRound`: no reading will start after the ones in flight end (a scan's
   * last round), so the connection need not be kept for another.
   */
  readInstance(ip: string, signal?: AbortSignal, lastRound?: boolean): Promise<Reading>;
  /** Closes pooled connections once requests in flight have finished. */
  close(): Promise<void>;
  /** What was asked of the provider so far, for `--stats` and benchmarks; absent on stand-ins. */
  readonly traffic?: TrafficSummary;
  /**
   * Readers a scan may run beyond its concurrency, since this client keeps the requests in
   * flight within `--concurrency` itself: they wait for a slot, and take one at once when an
   * answer frees its slot before it ends (pipelining, http/pool.ts). It may grow during a scan,
   * which then adds readers. Absent: none.
   */
  readonly spareReaders?: number;
}

/** Default cap on a stats body. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Default cap on the entries of a `/servers` list. */
export const DEFAULT_MAX_INSTANCES = 1_000_000;
/** Bytes allowed per list entry: an IPv6 literal is at most 45 characters, plus quotes, comma and indentation. */
const LIST_BYTES_PER_ENTRY = 64;
/** Response heads larger than this are refused, so a flood of headers cannot exhaust memory. */
const MAX_HEADER_BYTES = 16 * 1024;
/**
 * Connects at once to a provider that closes every connection, without the pacer's slow start:
 * the original's listen backlog was 5, and each request is a connect, so a cap that doubled
 * while none was dropped overflowed it (the seed scan took up to 400 ms instead of ~130). Only
 * the connects are paced; the request window still starts at `--concurrency`, since a
 * threaded HTTP/1.0 provider with 50 ms answers serves 64 at once (starting it from 16 in slow
 * start cost ~90 ms of a 1 s scan; a serial one is no faster from 16, bench/README.md).
 */
const CLOSING_PROVIDER_CONNECTS = 4;
/**
 * A provider that closes every connection and answers faster than this (lowest recent latency)
 * holds no more connections after a dropped SYN than it held then, until it lets go of one.
 * Re-sending a dropped connect waits 2 ms or more and costs a connect's CPU, as much as such an
 * answer, and against a quick single-threaded provider the client's CPU is what limits the scan:
 * the seed provider (150 × 0.2 ms, backlog 5) had ~60 connects re-sent for 151 answers, and the
 * scan took ~8 ms longer than at a fixed window of 8. With slow answers a re-send costs little
 * and the connections matter: a cap at what Python's threaded server (backlog 5, 50 ms answers)
 * held at a drop took 1,000 instances from ~1 s to 5-6 s (bench/README.md).
 */
const QUICK_ANSWER_MS = 20;
/**
 * One spare reader (see `spareReaders`) per this many slots: a spare that pipelines behind a
 * stalled answer frees that answer's reader, which becomes the next spare, so a few keep up.
 */
const SPARE_READERS_PER = 8;
const API_HINT = 'check that the provider is running and --api (or FLEETMON_API) points at it';

async function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}

/** Builds a client over one connection pool to the provider. */
export function createProviderClient(options: ProviderClientOptions): ProviderClient {
  return new CpxClient(options);
}

class CpxClient implements ProviderClient {
  readonly url: string;
  readonly #options: ProviderClientOptions;
  readonly #basePath: string;
  readonly #retries: number;
  readonly #timeoutText: string;
  readonly #headersTimeout: { headersTimeoutMs?: number; headersTimeoutText?: string };
  readonly #gate: RequestGate;
  readonly #pool: HttpPool;
  readonly #pacer = new ConnectPacer({
    onCut: () => this.#connectsOverflowed(),
    held: (maxAgeMs) => this.#pool.heldWithin(maxAgeMs),
  });
  /** The provider closes every connection, or the pool asks it to: each request is a connect. */
  #closing = false;
  readonly #serversUrl: string;
  #lastListWarnings: readonly string[] = [];
  readonly #traffic = new TrafficCounter();

  constructor(options: ProviderClientOptions) {
    const { baseUrl, timeoutMs } = options;
    this.#options = options;
    // Callers may hand in a URL not made by parseApiAddress; paths are joined onto a directory.
    this.#basePath = baseUrl.pathname.endsWith('/') ? baseUrl.pathname : `${baseUrl.pathname}/`;
    this.#retries = Math.max(0, Math.floor(options.retries));
    this.#timeoutText = `timeout after ${formatDuration(timeoutMs)}`;
    const headersMs = options.headersTimeoutMs;
    this.#headersTimeout =
      headersMs === undefined || headersMs >= timeoutMs
        ? {}
        : {
            headersTimeoutMs: headersMs,
            headersTimeoutText: `timeout after ${formatDuration(headersMs)} waiting for response headers`,
          };
    this.#gate = new RequestGate({
      concurrency: options.concurrency,
      ratePerSecond: options.ratePerSecond,
      adaptive: options.adaptive ?? true,
    });
    this.#pool = new HttpPool({
      origin: new URL(baseUrl.origin),
      connect: createRetryingConnector({ origin: baseUrl, timeoutMs, pacer: this.#pacer }),
      maxHeadBytes: MAX_HEADER_BYTES,
      onReleased: (heldMs) => this.#pacer.released(heldMs),
      // A connection per request from now on: pace the connects as for an HTTP/1.0 provider.
      onCloseEach: () => this.#eachRequestConnects(),
    });
    this.url = displayUrl(new URL(this.#basePath, baseUrl));
    this.#serversUrl = new URL(`${this.#basePath}servers`, baseUrl).href;
  }

  #eachRequestConnects(): void {
    this.#closing = true;
    this.#pacer.limit(CLOSING_PROVIDER_CONNECTS);
  }

  /** A dropped SYN cut the connects: the provider's listen queue overflowed. */
  #connectsOverflowed(): void {
    if (!this.#closing) return;
    const baseline = this.#gate.adaptive?.baselineMs ?? Number.POSITIVE_INFINITY;
    if (baseline < QUICK_ANSWER_MS) {
      this.#pacer.holdAtCurrent(CLOSING_PROVIDER_CONNECTS);
    }
  }

  /** Some once the provider's answers are seen to come apart from their heads; else none. */
  get spareReaders(): number {
    return this.#closing || !this.#pool.headsAlone
      ? 0
      : Math.ceil(this.#gate.max / SPARE_READERS_PER);
  }

  get traffic(): TrafficSummary {
    const traffic = this.#traffic;
    return {
      requests: traffic.requests,
      retries: traffic.retries,
      activeMs: traffic.activeMs,
      latency: traffic.latency(),
      connections: this.#pool.opened,
      resentConnects: this.#pacer.resent,
      pipelined: this.#pool.pipelined,
      window: {
        max: this.#gate.max,
        limit: this.#gate.limit,
        decreases: this.#gate.adaptive?.decreases ?? 0,
      },
    };
  }

  get lastListWarnings(): readonly string[] {
    return this.#lastListWarnings;
  }

  async listServers(signal?: AbortSignal): Promise<string[]> {
    this.#lastListWarnings = [];
    const maxInstances = this.#options.maxInstances ?? DEFAULT_MAX_INSTANCES;
    const maxBytes = listBytesFor(maxInstances);
    const path = `${this.#basePath}servers`;
    const { result } = await this.#getWithRetries(path, maxBytes, signal, false, false);
    // The provider closes the connection after each answer (HTTP/1.0, `Connection: close`).
    if (result.ok && this.#pool.lastReusable === false) this.#eachRequestConnects();
    if (!result.ok) throw listFailure(this.#serversUrl, result, maxBytes, maxInstances);
    const list = parseServerList(result.text, maxInstances);
    if (!list.ok && list.entries !== undefined) {
      throw new FleetmonError(
        'provider-invalid',
        `${this.#serversUrl} lists ${list.entries} entries, more than the limit of ${maxInstances} instances`,
        MAX_INSTANCES_HINT,
      );
    }
    if (!list.ok) {
      throw new FleetmonError(
        'provider-invalid',
        `${this.#serversUrl} answered something that is not a JSON array of IPs (${list.problem})`,
        `${API_HINT}, not at another service`,
      );
    }
    this.#lastListWarnings = list.warnings;
    return list.ips;
  }

  async readInstance(ip: string, signal?: AbortSignal, lastRound = false): Promise<Reading> {
    // The digit-by-digit IPv4 check first: net.isIP's regex was 0.15 µs of each read at 100k.
    if (ipv4Key(ip) === null && isIP(ip) === 0) {
      // The list's non-IP entries stay visible as rows; asking the provider about them is pointless.
      return { ip, ok: false, service: null, error: 'not an IP address', attempts: 0 };
    }
    const maxBytes = this.#options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const path = instancePath(this.#basePath, ip);
    const { result, attempts } = await this.#getWithRetries(
      path,
      maxBytes,
      signal,
      true,
      lastRound,
    );
    if (!result.ok) {
      // The provider answers 400 for an IP it no longer knows (docs/architecture.md §1).
      const error = result.status === 400 ? 'HTTP 400 (instance gone)' : result.reason;
      return { ip, ok: false, service: null, error, attempts };
    }
    const parsed = parseStatsBody(result.text);
    if (parsed.ok) return { ip, ok: true, stats: parsed.stats, attempts };
    return { ip, ok: false, service: parsed.service, error: parsed.error, attempts };
  }

  close(): Promise<void> {
    return this.#pool.close();
  }

  /** Attempts until success, a final failure, or the retries run out. */
  async #getWithRetries(
    path: string,
    maxBodyBytes: number,
    signal: AbortSignal | undefined,
    sampled: boolean,
    lastRound: boolean,
  ): Promise<{ result: AttemptResult; attempts: number }> {
    const { timeoutMs } = this.#options;
    // Retry-After is honoured only while it fits in the time a read may take overall,
    // counted from the first attempt so that waiting for a slot does not eat into it.
    let budgetEnd: number | undefined;
    for (let attempt = 1; ; attempt++) {
      const entered = this.#gate.enter(signal, sampled);
      const pass = entered instanceof Promise ? await entered : entered;
      budgetEnd ??= Date.now() + timeoutMs * (this.#retries + 1);
      this.#traffic.sent(pass.startedAt, attempt > 1);
      let result: AttemptResult | undefined;
      try {
        result = await attemptGet({
          pool: this.#pool,
          path,
          timeoutMs,
          timeoutText: this.#timeoutText,
          maxBodyBytes,
          signal,
          slot: pass,
          lastRound,
          ...this.#headersTimeout,
        });
      } finally {
        const end = performance.now();
        this.#traffic.ended(end, sampled && result?.ok ? end - pass.startedAt : undefined);
        this.#gate.leave(pass, result);
      }
      if (result.ok || !result.retryable || attempt > this.#retries) {
        return { result, attempts: attempt };
      }
      const asked = result.retryAfterMs;
      if (asked !== null && asked > budgetEnd - Date.now()) {
        const reason = `${result.reason} (asked to retry after ${formatDuration(asked)})`;
        return { result: { ...result, reason }, attempts: attempt };
      }
      // Retry-After speaks to the client, not to one request: nobody starts one meanwhile.
      if (asked !== null) this.#gate.holdFor(asked);
      await this.#pause(asked ?? this.#backoff(attempt), signal);
    }
  }

  #backoff(attempt: number): number {
    return backoffDelay(
      attempt,
      this.#options.backoff ?? DEFAULT_BACKOFF,
      this.#options.random ?? Math.random,
    );
  }

  async #pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await (this.#options.sleep ?? defaultSleep)(ms, signal);
    } catch (err) {
      throw signal?.aborted ? signal.reason : err;
    }
  }
}

/** `/<ip>` under the base path; anything beyond plain IP characters (e.g. a zone id) is encoded. */
function instancePath(basePath: string, ip: string): string {
  const segment = /^[0-9A-Fa-f:.]+$/.test(ip) ? ip : encodeURIComponent(ip);
  return `${basePath}${segment}`;
}

/** Largest `/servers` body accepted when at most `maxInstances` entries are. */
export function listBytesFor(maxInstances: number): number {
  return 1024 + maxInstances * LIST_BYTES_PER_ENTRY;
}

const MAX_INSTANCES_HINT =
  'if the fleet really is that large, raise --max-instances (or FLEETMON_MAX_INSTANCES)';

function listFailure(
  serversUrl: string,
  result: Extract<AttemptResult, { ok: false }>,
  maxBytes: number,
  maxInstances: number,
): FleetmonError {
  switch (result.kind) {
    case 'http':
      return new FleetmonError(
        'provider-invalid',
        `${serversUrl} answered ${result.reason}`,
        `${API_HINT}, not at another service`,
      );
    case 'too-large':
      return new FleetmonError(
        'provider-invalid',
        `${serversUrl} answered more than ${formatBytes(maxBytes)}, the most ${maxInstances} instances need`,
        MAX_INSTANCES_HINT,
      );
    case 'timeout':
      return new FleetmonError(
        'provider-unreachable',
        `cannot reach ${serversUrl}: ${result.reason}`,
        `the provider is slow or hung: raise --timeout, or ${API_HINT}`,
      );
    case 'network':
      return new FleetmonError(
        'provider-unreachable',
        `cannot reach ${serversUrl}: ${result.reason}`,
        API_HINT,
      );
  }
}
