import { FleetmonError } from '../core/errors.ts';
import { escapeUnprintable } from '../core/printable.ts';
import type { FieldParser, FieldResult } from './fields.ts';

/**
 * One option of the command line, defined once: its flag and help for commander, and how it is
 * read from the environment and the config file. Every option resolves the same way:
 * flag > environment > config file > default.
 */
export interface OptionDef<T> {
  /** `switch`: a flag without a value; `list`: repeatable, and comma-separated. */
  readonly kind: 'value' | 'list' | 'switch';
  /** Commander's syntax: `--interval <duration>`, `-o, --output <format>`, `--listen-public`. */
  readonly flag: string;
  readonly help: string;
  /**
   * Environment variable (or several, the first set wins); `false`: none. Derived from the key
   * when omitted (see optionEnv).
   */
  readonly env?: string | readonly string[] | false;
  /** Settable in the config file; `false` for secrets, which belong in the environment. */
  readonly file?: boolean;
  /** Shown as `(default …)` in help; `undefined` shows none. */
  readonly defaultText?: string;
  /** Reads one source's value; never throws. */
  readonly read: (raw: RawValue) => FieldResult<T>;
  /** How a bad value is shown in its error (a URL without its password); shown as given when absent. */
  readonly redact?: (text: string) => string;
  readonly default: T;
}

/** A value as a source hands it over: text from a flag or env, typed scalars or arrays from a file. */
export type RawValue = string | number | boolean | readonly unknown[];

/** The resolved type of a set of definitions. */
export type Resolved<Defs extends OptionDefs> = {
  -readonly [K in keyof Defs]: Defs[K] extends OptionDef<infer T> ? T : never;
};

// biome-ignore lint/suspicious/noExplicitAny: the element type of a heterogeneous record of definitions
export type OptionDefs = Readonly<Record<string, OptionDef<any>>>;

interface Extras<T> {
  readonly env?: string | readonly string[] | false;
  readonly file?: boolean;
  readonly defaultText?: string;
  readonly default?: NoInfer<T>;
  readonly redact?: (text: string) => string;
}

/** An option that takes one value; `undefined` unless given somewhere or defaulted. */
export function value<T>(
  flag: string,
  help: string,
  parse: FieldParser<T>,
  extras: Extras<T> & { default: NoInfer<T> },
): OptionDef<T>;
export function value<T>(
  flag: string,
  help: string,
  parse: FieldParser<T>,
  extras?: Extras<T>,
): OptionDef<T | undefined>;
export function value<T>(
  flag: string,
  help: string,
  parse: FieldParser<T>,
  extras: Extras<T> = {},
): OptionDef<T | undefined> {
  return {
    kind: 'value',
    flag,
    help,
    ...pickExtras(extras),
    default: extras.default,
    read: (raw) => {
      if (Array.isArray(raw)) return { ok: false, allowed: 'a single value, not a list' };
      return parse(String(raw));
    },
  };
}

/**
 * A repeatable option whose values may also be comma-separated (unless `split: false`, for
 * values that hold commas themselves, such as headers); `[]` when given nowhere.
 */
export function list<T>(
  flag: string,
  help: string,
  parse: FieldParser<T>,
  extras: Extras<T[]> & { readonly split?: boolean } = {},
): OptionDef<T[]> {
  return {
    kind: 'list',
    flag,
    help,
    ...pickExtras(extras),
    default: extras.default ?? [],
    read: (raw) => {
      const items = (Array.isArray(raw) ? raw : [raw])
        .flatMap((item) => (extras.split === false ? [String(item)] : String(item).split(',')))
        .map((item) => item.trim())
        .filter((item) => item !== '');
      const values: T[] = [];
      for (const item of items) {
        const parsed = parse(item);
        if (!parsed.ok) return { ...parsed, item };
        values.push(parsed.value);
      }
      return { ok: true, value: values };
    },
  };
}

/** A flag without a value: `true` when given; from env or file `true/false`, `1/0`, `yes/no`. */
export function toggle(
  flag: string,
  help: string,
  extras: Omit<Extras<boolean>, 'default'> = {},
): OptionDef<boolean> {
  return {
    kind: 'switch',
    flag,
    help,
    ...pickExtras(extras),
    default: false,
    read: (raw) => {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const text = String(raw).trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(text)) return { ok: true, value: true };
      if (['false', '0', 'no', 'off'].includes(text)) return { ok: true, value: false };
      return { ok: false, allowed: 'true or false' };
    },
  };
}

function pickExtras<T>(extras: Extras<T>): Partial<OptionDef<T>> {
  const { env, file, defaultText, redact } = extras;
  return {
    ...(env === undefined ? {} : { env }),
    ...(file === undefined ? {} : { file }),
    ...(defaultText === undefined ? {} : { defaultText }),
    ...(redact === undefined ? {} : { redact }),
  };
}

/** Commander's attribute name of a flag: `--max-cpu <p>` → `maxCpu`, `-o, --output` → `output`. */
export function optionKey(def: Pick<OptionDef<unknown>, 'flag'>): string {
  const long = /--([a-z][a-z0-9-]*)/.exec(def.flag)?.[1] ?? '';
  return long.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The long flag alone, for messages: `--interval`. */
export function longFlag(def: Pick<OptionDef<unknown>, 'flag'>): string {
  return /--[a-z][a-z0-9-]*/.exec(def.flag)?.[0] ?? def.flag;
}

/**
 * Environment variables of an option, in precedence order: its own, or `FLEETMON_` + the section
 * (a command's name, for its options) + the key in upper snake case: `serve`'s `--listen` is
 * `FLEETMON_SERVE_LISTEN`.
 */
export function optionEnv(def: OptionDef<unknown>, section: string | undefined): readonly string[] {
  if (def.env === false) return [];
  if (typeof def.env === 'string') return [def.env];
  if (def.env !== undefined) return def.env;
  const snake = optionKey(def).replace(/[A-Z]/g, (c) => `_${c}`);
  return [`FLEETMON_${section === undefined ? '' : `${section}_`}${snake}`.toUpperCase()];
}

/** Where one set of options may be given; absent keys were not given there. */
export interface OptionSources {
  /** Commander's parsed values, by option key. */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The config file's values for these options (its top level, or a command's section). */
  readonly file?: ConfigValues;
  /** The command whose options these are; `undefined` for the global settings. */
  readonly section?: string;
}

/** Values read from a config file, and where each was written, for messages. */
export interface ConfigValues {
  readonly values: Readonly<Record<string, unknown>>;
  /** `fleetmon.yaml:12:3: serve.interval` for a key. */
  where(key: string): string;
}

/**
 * Resolves every option of `defs` from its sources, throwing one clear error that names where a
 * bad value came from: a usage error for a flag, a config error for the environment or a file.
 */
export function resolveOptions<Defs extends OptionDefs>(
  defs: Defs,
  sources: OptionSources,
): Resolved<Defs> {
  const resolved: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(defs)) {
    resolved[key] = resolveOne(key, def, sources);
  }
  return resolved as Resolved<Defs>;
}

function resolveOne(key: string, def: OptionDef<unknown>, sources: OptionSources): unknown {
  const flagValue = sources.flags[optionKey(def)];
  const candidates: [unknown, () => string, 'usage' | 'config'][] = [
    [flagValue, () => longFlag(def), 'usage'],
    ...optionEnv(def, sources.section).map((env): [unknown, () => string, 'config'] => [
      emptyAsUnset(sources.env[env]),
      () => env,
      'config',
    ]),
  ];
  if (def.file !== false && sources.file !== undefined) {
    const file = sources.file;
    candidates.push([file.values[key], () => file.where(key), 'config']);
  }
  for (const [raw, origin, code] of candidates) {
    if (raw === undefined || raw === null) continue;
    const parsed = def.read(raw as RawValue);
    if (parsed.ok) return parsed.value;
    // Secrets are never echoed; other values are, JSON-quoted so that nothing in them can
    // split the line or reach the terminal raw.
    const shown =
      def.file === false
        ? 'the value'
        : escapeUnprintable(
            JSON.stringify(
              parsed.item ?? (def.redact === undefined ? raw : def.redact(String(raw))),
            ),
          );
    throw new FleetmonError(
      code,
      `${origin()}: ${shown} ${parsed.problem ?? 'is not valid'}; expected ${parsed.allowed}`,
    );
  }
  return def.default;
}

function emptyAsUnset(text: string | undefined): string | undefined {
  return text === '' ? undefined : text;
}

/** Help text with the default and the environment variable, as `--help` shows it. */
export function helpText(def: OptionDef<unknown>, section: string | undefined): string {
  const notes: string[] = [];
  if (def.defaultText !== undefined) notes.push(`default ${def.defaultText}`);
  const env = optionEnv(def, section);
  if (env.length > 0) notes.push(`env ${env.join(' or ')}`);
  return notes.length === 0 ? def.help : `${def.help} (${notes.join('; ')})`;
}
