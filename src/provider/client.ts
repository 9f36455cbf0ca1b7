import { isIP } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'undici';
import { formatDuration } from '../core/duration.ts';
import { FleetmonError } from '../core/errors.ts';
import type { Reading } from '../core/types.ts';
import { displayUrl } from './address.ts';
import { type AttemptResult, attemptGet, formatBytes } from './attempt.ts';
import { Limiter } from './limiter.ts';
import { type Backoff, backoffDelay, DEFAULT_BACKOFF } from './retry.ts';
import { parseServerList } from './servers-body.ts';
import { parseStatsBody } from './stats-body.ts';

/** How to reach the provider and how hard to try. */
export interface ProviderClientOptions {
  /** Base URL from `parseApiAddress`; its path ends in `/`. */
  baseUrl: URL;
  /** Per attempt, covering connect, headers and the whole body. */
  timeoutMs: number;
  /** Extra attempts after network errors, timeouts, 5xx and 429 (never after other 4xx). */
  retries: number;
  /** Most requests in flight to the provider at once. */
  concurrency: number;
  /** Largest accepted body, for stats and `/servers` alike; default 1 MiB for stats and 64 MiB for `/servers`. */
  maxBodyBytes?: number;
  /** Exponential backoff with full jitter between attempts; default 50 ms up to 1 s. */
  backoff?: Backoff;
  /** Source of jitter in [0, 1); injected by tests. */
  random?: () => number;
  /** Waits between attempts; rejects when the signal aborts. Injected by tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The CPX provider as fleetmon sees it (DESIGN §1). */
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
  /** Stats of one instance. Failures come back as `{ok: false, error}`; throws only the signal's reason on abort. */
  readInstance(ip: string, signal?: AbortSignal): Promise<Reading>;
  /** Closes pooled connections once requests in flight have finished. */
  close(): Promise<void>;
}

const STATS_MAX_BYTES = 1024 * 1024;
const SERVERS_MAX_BYTES = 64 * 1024 * 1024;
const API_HINT = 'check that the provider is running and --api (or FLEETMON_API) points at it';

async function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}

/** Builds a client over one undici Pool sized to `concurrency`. */
export function createProviderClient(options: ProviderClientOptions): ProviderClient {
  return new CpxClient(options);
}

class CpxClient implements ProviderClient {
  readonly url: string;
  readonly #options: ProviderClientOptions;
  readonly #basePath: string;
  readonly #retries: number;
  readonly #timeoutText: string;
  readonly #limiter: Limiter;
  readonly #pool: Pool;
  readonly #serversUrl: string;
  #lastListWarnings: readonly string[] = [];

  constructor(options: ProviderClientOptions) {
    const { baseUrl, timeoutMs } = options;
    this.#options = options;
    // Callers may hand in a URL not made by parseApiAddress; paths are joined onto a directory.
    this.#basePath = baseUrl.pathname.endsWith('/') ? baseUrl.pathname : `${baseUrl.pathname}/`;
    this.#retries = Math.max(0, Math.floor(options.retries));
    this.#timeoutText = `timeout after ${formatDuration(timeoutMs)}`;
    this.#limiter = new Limiter(options.concurrency);
    this.#pool = new Pool(baseUrl.origin, {
      connections: Math.max(1, Math.floor(options.concurrency)),
      pipelining: 1,
      // Backstops only: attemptGet's own timer bounds each attempt as a whole.
      connectTimeout: timeoutMs,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    this.url = displayUrl(new URL(this.#basePath, baseUrl));
    this.#serversUrl = new URL(`${this.#basePath}servers`, baseUrl).href;
  }

  get lastListWarnings(): readonly string[] {
    return this.#lastListWarnings;
  }

  async listServers(signal?: AbortSignal): Promise<string[]> {
    this.#lastListWarnings = [];
    const maxBytes = this.#options.maxBodyBytes ?? SERVERS_MAX_BYTES;
    const path = `${this.#basePath}servers`;
    const { result } = await this.#getWithRetries(path, maxBytes, signal);
    if (!result.ok) throw listFailure(this.#serversUrl, result, maxBytes);
    const list = parseServerList(result.text);
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

  async readInstance(ip: string, signal?: AbortSignal): Promise<Reading> {
    if (isIP(ip) === 0) {
      return { ip, ok: false, service: null, error: `"${ip}" is not an IP address`, attempts: 0 };
    }
    const maxBytes = this.#options.maxBodyBytes ?? STATS_MAX_BYTES;
    const path = instancePath(this.#basePath, ip);
    const { result, attempts } = await this.#getWithRetries(path, maxBytes, signal);
    if (!result.ok) {
      // The provider answers 400 for an IP it no longer knows (DESIGN §1).
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
  ): Promise<{ result: AttemptResult; attempts: number }> {
    const { timeoutMs } = this.#options;
    // Retry-After is honoured only while it fits in the time a read may take overall,
    // counted from the first attempt so that waiting for a slot does not eat into it.
    let budgetEnd: number | undefined;
    for (let attempt = 1; ; attempt++) {
      await this.#limiter.acquire(signal);
      budgetEnd ??= Date.now() + timeoutMs * (this.#retries + 1);
      let result: AttemptResult;
      try {
        const timeoutText = this.#timeoutText;
        result = await attemptGet({
          dispatcher: this.#pool,
          path,
          timeoutMs,
          timeoutText,
          maxBodyBytes,
          signal,
        });
      } finally {
        this.#limiter.release();
      }
      if (result.ok || !result.retryable || attempt > this.#retries) {
        return { result, attempts: attempt };
      }
      const asked = result.retryAfterMs;
      if (asked !== null && asked > budgetEnd - Date.now()) {
        const reason = `${result.reason} (asked to retry after ${formatDuration(asked)})`;
        return { result: { ...result, reason }, attempts: attempt };
      }
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

function listFailure(
  serversUrl: string,
  result: Extract<AttemptResult, { ok: false }>,
  maxBytes: number,
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
        `${serversUrl} answered more than ${formatBytes(maxBytes)}`,
        `${API_HINT}, not at another service`,
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
