import { FleetmonError } from '../core/errors.ts';
import type { HealthRules } from '../core/types.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../render/options.ts';
import {
  bytes,
  duration,
  type FieldParser,
  integer,
  oneOf,
  percent,
  positiveNumber,
} from './fields.ts';

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
}

/** Parsed type of each shared setting, by its config-file key. */
interface Values {
  api: string;
  output: OutputFormat;
  concurrency: number;
  rate: number;
  timeout: number;
  retries: number;
  deadline: number;
  maxCpu: number;
  maxMemory: number;
  minHealthy: number;
  maxBody: number;
  maxInstances: number;
  headerTimeout: number;
}

/** Name of a shared setting, as used in config files. */
export type SettingKey = keyof Values;

interface Field<T> {
  readonly flag: string;
  readonly env: string;
  readonly parse: FieldParser<T>;
}

/** Where each shared setting may be given (flag, environment variable) and how it is read. */
const FIELDS: { readonly [K in SettingKey]: Field<Values[K]> } = {
  api: { flag: '--api', env: 'FLEETMON_API', parse: (t: string) => nonEmpty(t) },
  output: { flag: '--output', env: 'FLEETMON_OUTPUT', parse: oneOf(OUTPUT_FORMATS) },
  concurrency: { flag: '--concurrency', env: 'FLEETMON_CONCURRENCY', parse: integer(1, 10_000) },
  rate: { flag: '--rate', env: 'FLEETMON_RATE', parse: positiveNumber(0.1, 1_000_000) },
  timeout: { flag: '--timeout', env: 'FLEETMON_TIMEOUT', parse: duration(10, 600_000) },
  retries: { flag: '--retries', env: 'FLEETMON_RETRIES', parse: integer(0, 10) },
  deadline: { flag: '--deadline', env: 'FLEETMON_DEADLINE', parse: duration(100, 86_400_000) },
  maxCpu: { flag: '--max-cpu', env: 'FLEETMON_MAX_CPU', parse: percent },
  maxMemory: { flag: '--max-memory', env: 'FLEETMON_MAX_MEMORY', parse: percent },
  minHealthy: { flag: '--min-healthy', env: 'FLEETMON_MIN_HEALTHY', parse: integer(0, 1_000_000) },
  maxBody: { flag: '--max-body', env: 'FLEETMON_MAX_BODY', parse: bytes(1024, 1024 ** 3) },
  maxInstances: {
    flag: '--max-instances',
    env: 'FLEETMON_MAX_INSTANCES',
    parse: integer(1, 10_000_000),
  },
  headerTimeout: {
    flag: '--header-timeout',
    env: 'FLEETMON_HEADER_TIMEOUT',
    parse: duration(10, 600_000),
  },
};

/** Raw text of each setting from one source; absent keys were not given there. */
export type RawSettings = Partial<Record<SettingKey, string>>;

/** Config keys users may write, for validating config files. */
export const SETTING_KEYS = Object.keys(FIELDS) as SettingKey[];

/** Environment variable of each setting, for reading the environment. */
export function envNameOf(key: SettingKey): string {
  return FIELDS[key].env;
}

const DEFAULTS = {
  // A ceiling, not a target: the adaptive window starts there and settles where the provider stops
  // queueing. The original (single-threaded, listen backlog 5) collapsed at a fixed 8 (1 s SYN
  // retransmits); the window and the connect retry keep it clean at 64 (bench/README.md).
  concurrency: 64,
  timeout: 5000,
  retries: 2,
  deadline: 120_000,
  maxCpu: 75,
  maxMemory: 75,
  minHealthy: 2,
  // A stats body is ~60 bytes; 1 MiB only stops garbage. The list cap bounds memory at ~64 MB.
  maxBody: 1024 * 1024,
  maxInstances: 1_000_000,
} as const;

/** The sources of settings in precedence order: flag > env > config file > default. */
export interface SettingSources {
  readonly flags: RawSettings;
  readonly env: RawSettings;
  readonly file: RawSettings;
  /** Shown in messages about file values, e.g. `fleetmon.json`. */
  readonly fileName?: string;
}

/** Resolves every shared setting, throwing one clear error that names the offending source. */
export function resolveSettings(sources: SettingSources): Settings {
  const get = <K extends SettingKey>(key: K) => pick(key, sources);
  return {
    api: get('api'),
    output: get('output'),
    concurrency: get('concurrency') ?? DEFAULTS.concurrency,
    rate: get('rate'),
    timeoutMs: get('timeout') ?? DEFAULTS.timeout,
    retries: get('retries') ?? DEFAULTS.retries,
    deadlineMs: get('deadline') ?? DEFAULTS.deadline,
    rules: {
      maxCpu: get('maxCpu') ?? DEFAULTS.maxCpu,
      maxMemory: get('maxMemory') ?? DEFAULTS.maxMemory,
      minHealthy: get('minHealthy') ?? DEFAULTS.minHealthy,
    },
    maxBodyBytes: get('maxBody') ?? DEFAULTS.maxBody,
    maxInstances: get('maxInstances') ?? DEFAULTS.maxInstances,
    headersTimeoutMs: get('headerTimeout'),
  };
}

function pick<K extends SettingKey>(key: K, sources: SettingSources): Values[K] | undefined {
  const field: Field<Values[K]> = FIELDS[key];
  const candidates: [string | undefined, string, 'usage' | 'config'][] = [
    [sources.flags[key], field.flag, 'usage'],
    [sources.env[key], field.env, 'config'],
    [sources.file[key], `${sources.fileName ?? 'config file'}: "${key}"`, 'config'],
  ];
  for (const [text, origin, code] of candidates) {
    if (text === undefined) continue;
    const parsed = field.parse(text);
    if (parsed.ok) return parsed.value;
    throw new FleetmonError(
      code,
      `${origin}: ${JSON.stringify(text)} is not valid; expected ${parsed.allowed}`,
    );
  }
  return undefined;
}

function nonEmpty(text: string): { ok: true; value: string } | { ok: false; allowed: string } {
  const value = text.trim();
  return value === ''
    ? { ok: false, allowed: 'a provider address such as host:port, a URL, or demo' }
    : { ok: true, value };
}
