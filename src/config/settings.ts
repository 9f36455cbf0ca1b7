import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HealthRules } from '../core/types.ts';
import { API_ADDRESS_FORMS, apiAddressProblem } from '../provider/address.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../render/index.ts';
import { parseStoreLocation, redactUrl, type StoreLocation } from '../store/location.ts';
import {
  bytes,
  duration,
  type FieldParser,
  integer,
  oneOf,
  percent,
  positiveNumber,
} from './fields.ts';
import { type OptionDefs, type OptionSources, resolveOptions, toggle, value } from './options.ts';

/** Settings every command shares, resolved once before any network call. */
export interface Settings {
  /** `demo`, or the provider address as the user gave it (parsed by the provider layer). */
  readonly api: string | undefined;
  /** `undefined` when not given anywhere: each command picks its own default. */
  readonly output: OutputFormat | undefined;
  /** Most requests in flight; the adaptive window stays at or below it. */
  readonly concurrency: number;
  /** Hard cap in requests per second (`--rate`); `undefined`: no cap. */
  readonly rate: number | undefined;
  readonly timeoutMs: number;
  readonly retries: number;
  /** Whole-scan deadline in ms. */
  readonly deadlineMs: number;
  readonly rules: HealthRules;
  /** Largest stats body accepted from the provider, in bytes. */
  readonly maxBodyBytes: number;
  /** Most entries accepted in one `/servers` list (it also caps the list's size in bytes). */
  readonly maxInstances: number;
  /** Time allowed until response headers arrive; `undefined`: the whole --timeout. */
  readonly headersTimeoutMs: number | undefined;
  /** `--stats`: report what the provider client did, on stderr, when done. */
  readonly stats: boolean;
  /** Where history is kept. */
  readonly store: StoreLocation;
  /** True when `store` is the default file, given nowhere (commands that only read skip it when absent). */
  readonly storeIsDefault: boolean;
}

/** `demo`, or a provider address that parses; a bad one says what is wrong with it. */
const apiAddress: FieldParser<string> = (text) => {
  const value = text.trim();
  if (value.toLowerCase() === 'demo') return { ok: true, value: 'demo' };
  const problem = apiAddressProblem(value);
  return problem === undefined
    ? { ok: true, value }
    : { ok: false, problem, allowed: `${API_ADDRESS_FORMS}, or demo` };
};

/** A `--store` value: a path, `memory`, or a postgres:// URL (never echoed with its password). */
const storeLocation: FieldParser<StoreLocation> = (text) => parseStoreLocation(text);

function redactStore(text: string): string {
  try {
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim()) ? redactUrl(new URL(text.trim())) : text;
  } catch {
    return 'the URL';
  }
}

/** The shared settings, by config-file key; flags, `FLEETMON_<KEY>` and the file's top level. */
export const SETTING_OPTIONS = {
  api: value(
    '--api <address>',
    'provider as host:port, [ipv6]:port or URL; "demo" runs an embedded fleet',
    apiAddress,
  ),
  output: value(
    '-o, --output <format>',
    `output format: ${OUTPUT_FORMATS.join(', ')}`,
    oneOf(OUTPUT_FORMATS),
    // Each command picks its own default (table; ndjson for monitor in a pipe).
  ),
  concurrency: value(
    '--concurrency <n>',
    'most requests in flight; fewer while the provider slows down',
    integer(1, 10_000),
    // A ceiling, not a target: the adaptive window starts there and settles where the provider
    // stops queueing (docs/tuning.md).
    { default: 64, defaultText: '64' },
  ),
  rate: value('--rate <n>', 'most requests per second to the provider', positiveNumber(0.1, 1e6)),
  timeout: value(
    '--timeout <duration>',
    'per-request timeout, e.g. 500ms, 5s',
    duration(10, 600_000),
    {
      default: 5000,
      defaultText: '5s',
    },
  ),
  retries: value(
    '--retries <n>',
    'retries on network errors, timeouts, 429 and 5xx',
    integer(0, 10),
    {
      default: 2,
      defaultText: '2',
    },
  ),
  deadline: value('--deadline <duration>', 'deadline for a whole scan', duration(100, 86_400_000), {
    default: 120_000,
    defaultText: '2m',
  }),
  maxCpu: value('--max-cpu <percent>', 'an instance is healthy below this cpu', percent, {
    default: 75,
    defaultText: '75',
  }),
  maxMemory: value('--max-memory <percent>', 'an instance is healthy below this memory', percent, {
    default: 75,
    defaultText: '75',
  }),
  minHealthy: value(
    '--min-healthy <n>',
    'healthy instances a service needs to be ok',
    integer(0, 1_000_000),
    { default: 2, defaultText: '2' },
  ),
  maxBody: value(
    '--max-body <size>',
    'largest stats body accepted, e.g. 64KiB',
    bytes(1024, 1024 ** 3),
    // A stats body is ~60 bytes; 1 MiB only stops garbage.
    { default: 1024 * 1024, defaultText: '1MiB' },
  ),
  maxInstances: value(
    '--max-instances <n>',
    'most instances accepted from /servers; bounds memory',
    integer(1, 10_000_000),
    { default: 1_000_000, defaultText: '1000000' },
  ),
  headerTimeout: value(
    '--header-timeout <duration>',
    'time allowed until response headers arrive',
    duration(10, 600_000),
    { defaultText: '--timeout' },
  ),
  stats: toggle(
    '--stats',
    'when done, one line on stderr: requests, retries, answer times, connections and the concurrency window',
  ),
  store: value(
    '--store <path|memory|url>',
    'where history is kept: an SQLite file, memory (nothing kept across restarts), or postgres://user@host:5432/db',
    storeLocation,
    // The flag wins, then FLEETMON_STORE, then DATABASE_URL (the usual name for PostgreSQL).
    {
      env: ['FLEETMON_STORE', 'DATABASE_URL'],
      defaultText: '$XDG_STATE_HOME/fleetmon/history.db',
      redact: redactStore,
    },
  ),
} as const satisfies OptionDefs;

/** Name of a shared setting, as used in config files. */
export type SettingKey = keyof typeof SETTING_OPTIONS;

/** Resolves every shared setting, throwing one clear error that names the offending source. */
export function resolveSettings(sources: OptionSources): Settings {
  const v = resolveOptions(SETTING_OPTIONS, sources);
  return {
    api: v.api,
    output: v.output,
    concurrency: v.concurrency,
    rate: v.rate,
    timeoutMs: v.timeout,
    retries: v.retries,
    deadlineMs: v.deadline,
    rules: { maxCpu: v.maxCpu, maxMemory: v.maxMemory, minHealthy: v.minHealthy },
    maxBodyBytes: v.maxBody,
    maxInstances: v.maxInstances,
    headersTimeoutMs: v.headerTimeout,
    stats: v.stats,
    store: expandHome(v.store ?? { kind: 'sqlite', path: defaultStorePath(sources.env) }),
    storeIsDefault: v.store === undefined,
  };
}

/**
 * `$XDG_STATE_HOME/fleetmon/history.db`, or `~/.local/state/fleetmon/history.db` without it
 * (the XDG base directory specification's place for state that outlives a restart).
 */
export function defaultStorePath(env: Readonly<Record<string, string | undefined>>): string {
  const state = env.XDG_STATE_HOME?.startsWith('/')
    ? env.XDG_STATE_HOME
    : join(homedir(), '.local', 'state');
  return join(state, 'fleetmon', 'history.db');
}

/** `~/history.db` in a config file means the home directory, as it would in a shell. */
function expandHome(location: StoreLocation): StoreLocation {
  if (location.kind !== 'sqlite' || !/^~(\/|$)/.test(location.path)) return location;
  return { kind: 'sqlite', path: join(homedir(), location.path.slice(1)) };
}
