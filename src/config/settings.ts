import { FleetmonError } from '../core/errors.ts';
import type { HealthRules } from '../core/types.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../render/options.ts';
import { duration, type FieldParser, integer, oneOf, percent } from './fields.ts';

/** Settings every command shares, resolved once before any network call. */
export interface Settings {
  /** `demo`, or the provider address as the user gave it (parsed by the provider layer). */
  readonly api: string | undefined;
  /** `undefined` when not given anywhere: each command picks its own default. */
  readonly output: OutputFormat | undefined;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly retries: number;
  /** Whole-scan deadline in ms. */
  readonly deadlineMs: number;
  readonly rules: HealthRules;
}

/** Parsed type of each shared setting, by its config-file key. */
interface Values {
  api: string;
  output: OutputFormat;
  concurrency: number;
  timeout: number;
  retries: number;
  deadline: number;
  maxCpu: number;
  maxMemory: number;
  minHealthy: number;
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
  timeout: { flag: '--timeout', env: 'FLEETMON_TIMEOUT', parse: duration(10, 600_000) },
  retries: { flag: '--retries', env: 'FLEETMON_RETRIES', parse: integer(0, 10) },
  deadline: { flag: '--deadline', env: 'FLEETMON_DEADLINE', parse: duration(100, 86_400_000) },
  maxCpu: { flag: '--max-cpu', env: 'FLEETMON_MAX_CPU', parse: percent },
  maxMemory: { flag: '--max-memory', env: 'FLEETMON_MAX_MEMORY', parse: percent },
  minHealthy: { flag: '--min-healthy', env: 'FLEETMON_MIN_HEALTHY', parse: integer(0, 1_000_000) },
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
  // A single-threaded provider with a listen backlog of 5 (the original) drops connections beyond
  // ~6 in flight and each drop costs a 1 s SYN retransmit: 150 instances took 0.24 s at 4, 1.2 s at 8.
  concurrency: 4,
  timeout: 5000,
  retries: 2,
  deadline: 120_000,
  maxCpu: 75,
  maxMemory: 75,
  minHealthy: 2,
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
    timeoutMs: get('timeout') ?? DEFAULTS.timeout,
    retries: get('retries') ?? DEFAULTS.retries,
    deadlineMs: get('deadline') ?? DEFAULTS.deadline,
    rules: {
      maxCpu: get('maxCpu') ?? DEFAULTS.maxCpu,
      maxMemory: get('maxMemory') ?? DEFAULTS.maxMemory,
      minHealthy: get('minHealthy') ?? DEFAULTS.minHealthy,
    },
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
