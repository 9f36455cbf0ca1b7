import { isIP } from 'node:net';
import { formatDuration } from '../core/duration.ts';
import { FleetmonError } from '../core/errors.ts';
import { ipv4Key } from '../core/ip.ts';
import type { Reading, TrafficSummary } from '../core/types.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import { displayUrl } from './address.ts';
import { type AttemptResult, attemptGet, formatBytes } from './attempt.ts';
import { createRetryingConnector } from './connector.ts';
import { FlowPolicy } from './flow/policy.ts';
import { HttpPool } from './http/pool.ts';
import { readEach } from './read-each.ts';
import { type Backoff, DEFAULT_BACKOFF, decideRetry, type RetryRules } from './retry.ts';
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
  /** Time and timers; default the system clock. Injected by tests. */
  clock?: Clock;
}

/** How to read many instances at once. */
export interface ReadOptions {
  /** Readings under way at once (the scan's `--concurrency`). */
  readonly concurrency: number;
  /** Aborting stops the read: readings under way end, and no more start. */
  readonly signal?: AbortSignal | undefined;
  /** Gets each reading as it ends, with the index of its ip. */
  readonly onReading: (index: number, reading: Reading) => void;
}

/** The CPX provider as fleetmon sees it (docs/architecture.md §1): list the fleet, read instances, close. */
export interface ProviderClient {
  /** Display form of the base URL, e.g. `http://127.0.0.1:9001`. */
  readonly url: string;
  /** Problems found in the last `/servers` answer that did not stop the scan. */
  readonly lastListWarnings: readonly string[];
  /** What was asked of the provider so far, for `--stats` and metrics; absent on stand-ins. */
  readonly traffic?: TrafficSummary;
  /**
   * Distinct instance IPs in listing order. Throws FleetmonError `provider-unreachable` or
   * `provider-invalid`, or the signal's reason when aborted.
   */
  listServers(signal?: AbortSignal): Promise<string[]>;
  /**
   * Reads the stats of every ip; each ends as a reading, failures included, handed to
   * `onReading`. Resolves once all are read or the signal aborted (then the ips not read yet
   * get no reading); never rejects otherwise.
   */
  readInstances(ips: readonly string[], options: ReadOptions): Promise<void>;
  /** Closes pooled connections once requests in flight have finished. */
  close(): Promise<void>;
}

/** Default cap on a stats body. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Default cap on the entries of a `/servers` list. */
export const DEFAULT_MAX_INSTANCES = 1_000_000;
/** Bytes allowed per list entry: an IPv6 literal is at most 45 characters, plus quotes, comma and indentation. */
const LIST_BYTES_PER_ENTRY = 64;
/** Response heads larger than this are refused, so a flood of headers cannot exhaust memory. */
const MAX_HEADER_BYTES = 16 * 1024;
const API_HINT = 'check that the provider is running and --api (or FLEETMON_API) points at it';

/** Builds a client over one connection pool to the provider. */
export function createProviderClient(options: ProviderClientOptions): ProviderClient {
  return new CpxClient(options);
}

/**
 * How a read travels: `readInstances` runs readers (read-each.ts) as the policy allows; each
 * read is attempts (`#get`): admitted by the policy, sent by the pool (attempt.ts, http/), the
 * result fed back to the policy, and a retry decided by `decideRetry` (retry.ts).
 */
class CpxClient implements ProviderClient {
  readonly url: string;
  readonly #options: ProviderClientOptions;
  readonly #clock: Clock;
  readonly #basePath: string;
  readonly #retry: RetryRules;
  readonly #timeoutText: string;
  readonly #headersTimeout: { headersTimeoutMs?: number; headersTimeoutText?: string };
  readonly #policy: FlowPolicy;
  readonly #pool: HttpPool;
  readonly #serversUrl: string;
  #lastListWarnings: readonly string[] = [];
  readonly #traffic = new TrafficCounter();

  constructor(options: ProviderClientOptions) {
    const { baseUrl, timeoutMs } = options;
    const clock = options.clock ?? systemClock;
    this.#options = options;
    this.#clock = clock;
    // Callers may hand in a URL not made by parseApiAddress; paths are joined onto a directory.
    this.#basePath = baseUrl.pathname.endsWith('/') ? baseUrl.pathname : `${baseUrl.pathname}/`;
    this.#retry = {
      retries: Math.max(0, Math.floor(options.retries)),
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      random: options.random ?? Math.random,
    };
    this.#timeoutText = `timeout after ${formatDuration(timeoutMs)}`;
    const headersMs = options.headersTimeoutMs;
    this.#headersTimeout =
      headersMs === undefined || headersMs >= timeoutMs
        ? {}
        : {
            headersTimeoutMs: headersMs,
            headersTimeoutText: `timeout after ${formatDuration(headersMs)} waiting for response headers`,
          };
    this.#policy = new FlowPolicy({
      concurrency: options.concurrency,
      ratePerSecond: options.ratePerSecond,
      adaptive: options.adaptive ?? true,
      clock,
    });
    const policy = this.#policy;
    this.#pool = new HttpPool({
      origin: new URL(baseUrl.origin),
      connect: createRetryingConnector({ origin: baseUrl, timeoutMs, policy, clock }),
      policy,
      clock,
      maxHeadBytes: MAX_HEADER_BYTES,
    });
    this.url = displayUrl(new URL(this.#basePath, baseUrl));
    this.#serversUrl = new URL(`${this.#basePath}servers`, baseUrl).href;
  }

  get traffic(): TrafficSummary {
    const traffic = this.#traffic;
    return {
      requests: traffic.requests,
      retries: traffic.retries,
      activeMs: traffic.activeMs,
      latency: traffic.latency(),
      connections: this.#pool.opened,
      resentConnects: this.#policy.resentConnects,
      pipelined: this.#pool.pipelined,
      window: this.#policy.window,
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
    const { result } = await this.#get(path, maxBytes, signal, false, false);
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

  readInstances(ips: readonly string[], options: ReadOptions): Promise<void> {
    const width = Math.max(1, Math.floor(options.concurrency));
    return readEach(ips, {
      readers: () => this.#policy.readers(width),
      signal: options.signal,
      read: (ip, signal, lastRound) => this.#read(ip, signal, lastRound),
      onReading: options.onReading,
    });
  }

  close(): Promise<void> {
    return this.#pool.close();
  }

  /** Stats of one instance; failures come back as readings, aborts as the signal's reason. */
  async #read(ip: string, signal: AbortSignal | undefined, lastRound: boolean): Promise<Reading> {
    // The digit-by-digit IPv4 check first: it is much cheaper than net.isIP's regex.
    if (ipv4Key(ip) === null && isIP(ip) === 0) {
      // The list's non-IP entries stay visible as rows; asking the provider about them is pointless.
      return { ip, ok: false, service: null, error: 'not an IP address', attempts: 0 };
    }
    const maxBytes = this.#options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const path = instancePath(this.#basePath, ip);
    const { result, attempts } = await this.#get(path, maxBytes, signal, true, lastRound);
    if (!result.ok) {
      // The provider answers 400 for an IP it no longer knows (docs/architecture.md §1).
      const error = result.status === 400 ? 'HTTP 400 (instance gone)' : result.reason;
      return { ip, ok: false, service: null, error, attempts };
    }
    const parsed = parseStatsBody(result.text);
    if (parsed.ok) return { ip, ok: true, stats: parsed.stats, attempts };
    return { ip, ok: false, service: parsed.service, error: parsed.error, attempts };
  }

  /**
   * Attempts until success, a final failure, or the retries run out. `sampled`: the answer
   * time says something about load (stats reads, not the large list).
   */
  async #get(
    path: string,
    maxBodyBytes: number,
    signal: AbortSignal | undefined,
    sampled: boolean,
    lastRound: boolean,
  ): Promise<{ result: AttemptResult; attempts: number }> {
    const { timeoutMs } = this.#options;
    const clock = this.#clock;
    // Retry-After is honoured only while it fits in the time a read may take overall,
    // counted from the first attempt so that waiting for a slot does not eat into it.
    let budgetEnd: number | undefined;
    for (let attempt = 1; ; attempt++) {
      const admitted = this.#policy.admit(signal, sampled);
      const ticket = admitted instanceof Promise ? await admitted : admitted;
      budgetEnd ??= clock.now() + timeoutMs * (this.#retry.retries + 1);
      this.#traffic.sent(ticket.startedAt, attempt > 1);
      let result: AttemptResult | undefined;
      try {
        result = await attemptGet({
          sender: this.#pool,
          clock,
          path,
          timeoutMs,
          timeoutText: this.#timeoutText,
          maxBodyBytes,
          signal,
          slot: ticket,
          lastRound,
          ...this.#headersTimeout,
        });
      } finally {
        const end = clock.now();
        this.#traffic.ended(end, sampled && result?.ok ? end - ticket.startedAt : undefined);
        this.#policy.settle(ticket, result);
      }
      const step = decideRetry(result, attempt, budgetEnd - clock.now(), this.#retry);
      if (!step.retry) return { result: step.result, attempts: attempt };
      if (step.pauseAll) this.#policy.pause(step.waitMs);
      await clock.sleep(step.waitMs, signal);
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
