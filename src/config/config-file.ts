// The config file (fleetmon.yaml; JSON is YAML too): read, checked against one schema, every
// problem reported as file:line:column. Loaded only when a config file is given: yaml and zod
// are start-up that commands without one should not pay.
import { type Document, isMap, isScalar, LineCounter, parseDocument, type YAMLError } from 'yaml';
import { z } from 'zod';
import { FleetmonError } from '../core/errors.ts';
import { escapeUnprintable } from '../core/printable.ts';
import { COMMAND_OPTIONS, type CommandName } from './command-options.ts';
import { FILE_SECTIONS, type FileSections } from './file-sections.ts';
import type { ConfigValues, OptionDefs } from './options.ts';
import { resolveOptions } from './options.ts';
import { resolveSettings, SETTING_OPTIONS } from './settings.ts';
import { readFailure, readSmallFile } from './small-file.ts';

/** A config file that passed its schema. */
export interface ConfigFile {
  /** As the user named it, for messages. */
  readonly path: string;
  /** The top level's shared settings (`api`, `timeout`, …). */
  readonly settings: ConfigValues;
  /** A command's section (`serve:`, `monitor:`…), empty when absent. */
  section(command: CommandName): ConfigValues;
  /** The sections with a schema of their own (`probes:`, `alerts:`…), validated. */
  readonly sections: FileSections;
}

/** One problem in a config file, located. */
export interface ConfigProblem {
  readonly line: number;
  readonly column: number;
  /** One line: what is wrong, and what is allowed. */
  readonly message: string;
}

/**
 * What each YAML syntax error means, in our words: the parser's own messages can quote the file
 * (a directive, a token), and a file named by mistake may hold secrets.
 */
const YAML_ERRORS: Partial<Record<YAMLError['code'], string>> = {
  BAD_INDENT: 'the indentation is wrong',
  DUPLICATE_KEY: 'a key appears twice in one mapping',
  MISSING_CHAR: 'a closing quote or bracket is missing',
  BLOCK_AS_IMPLICIT_KEY: 'a key must fit on one line',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line',
  TAB_AS_INDENT: 'tabs cannot indent YAML; use spaces',
  UNEXPECTED_TOKEN: 'something unexpected follows a value',
  MULTIPLE_DOCS: 'a config file holds one document, not several',
  BAD_DIRECTIVE: 'a % directive it does not support',
  BAD_ALIAS: 'an alias that is not valid',
  BAD_SCALAR_START: 'a value starts with a character reserved by YAML (quote it)',
};

function yamlProblem(err: YAMLError): string {
  // The parser reports an unclosed `[` or `{` as bad indentation of what follows it.
  const flow = /^Flow (sequence|map)\b.*\bend with an? ([\]}])/.exec(err.message);
  if (err.code === 'BAD_INDENT' && flow !== null) {
    const opened = flow[1] === 'sequence' ? '[' : '{';
    return `a ${opened} is not closed with ${flow[2]}, or what follows it is not indented under its key`;
  }
  return YAML_ERRORS[err.code] ?? err.code.toLowerCase().replaceAll('_', ' ');
}

/** A config file bigger than this is not a config file. */
const MAX_BYTES = 1024 * 1024;

/** Reads and checks a config file, throwing one config error for its first problem. */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  const result = checkConfigText(await readText(path), path);
  if (result.ok) return result.config;
  const [first] = result.problems;
  const more = result.problems.length - 1;
  throw new FleetmonError(
    'config',
    formatProblem(path, first as ConfigProblem),
    more > 0
      ? `${more} more problem${more === 1 ? '' : 's'}: fleetmon config check ${path}`
      : undefined,
  );
}

/** The file's text; a missing, unreadable or oversized file is one config error (never its content). */
export async function readText(path: string): Promise<string> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readSmallFile(path, MAX_BYTES);
  } catch (err) {
    throw new FleetmonError(
      'config',
      escapeUnprintable(`config file ${path}: ${readFailure(err)}`),
      'check --config or FLEETMON_CONFIG',
    );
  }
  if (bytes === undefined) {
    throw new FleetmonError(
      'config',
      escapeUnprintable(`config file ${path} is larger than 1 MiB, which no config file is`),
      'check --config or FLEETMON_CONFIG',
    );
  }
  return bytes.toString('utf8');
}

/** `path:line:column: message`, the form editors jump to. */
export function formatProblem(path: string, problem: ConfigProblem): string {
  return escapeUnprintable(`${path}:${problem.line}:${problem.column}: ${problem.message}`);
}

/**
 * Checks config text completely: YAML syntax, the schema, and every value as flags and env are
 * checked. Pure, so every rule is tested without a disk.
 */
export function checkConfigText(
  text: string,
  path: string,
): { ok: true; config: ConfigFile } | { ok: false; problems: ConfigProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((err) => ({
        ...at(err.pos[0]),
        message: `not valid YAML: ${yamlProblem(err)}`,
      })),
    };
  }
  let json: unknown;
  try {
    json = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch {
    // An alias to a missing anchor, or aliases that would expand beyond reason.
    return {
      ok: false,
      problems: [
        { line: 1, column: 1, message: 'not valid YAML: an alias that cannot be resolved' },
      ],
    };
  }
  const parsed = fileSchema().safeParse(json);
  const data = (parsed.success ? parsed.data : json) as Record<string, unknown>;
  const valuesAt = (prefix: string[], values: unknown): ConfigValues => ({
    values: isRecord(values) ? values : {},
    where: (key) => {
      const node = doc.getIn([...prefix, key], true) as { range?: [number, number, number] };
      const pos = node?.range ? at(node.range[0]) : { line: 1, column: 1 };
      return `${path}:${pos.line}:${pos.column}: ${[...prefix, key].join('.')}`;
    },
  });
  const config: ConfigFile = {
    path,
    settings: valuesAt([], data),
    section: (command) => valuesAt([command], isRecord(data) ? data[command] : undefined),
    sections: parsed.success ? pickSections(data) : {},
  };
  // Values are checked even when the schema found problems, so that one run lists them all.
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => locateIssue(doc, issue, at))),
    ...(isRecord(data) ? checkValues(config) : []),
  ]
    .sort((a, b) => a.line - b.line || a.column - b.column)
    // A value of the wrong shape is found by both; one line for it is enough.
    .filter(
      (p, i, all) => i === 0 || p.line !== all[i - 1]?.line || p.column !== all[i - 1]?.column,
    );
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Resolves every option from the file alone, so a bad value is found by `config check` too. */
function checkValues(config: ConfigFile): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const attempt = (run: () => unknown) => {
    try {
      run();
    } catch (err) {
      if (!(err instanceof FleetmonError)) throw err;
      // Messages from resolveOptions start with `path:line:col: key:`; keep the location apart.
      const match = /^.*?:(\d+):(\d+): (.*)$/.exec(err.message);
      problems.push({
        line: Number(match?.[1] ?? 1),
        column: Number(match?.[2] ?? 1),
        message: match?.[3] ?? err.message,
      });
    }
  };
  attempt(() => resolveSettings({ flags: {}, env: {}, file: config.settings }));
  for (const command of Object.keys(COMMAND_OPTIONS) as CommandName[]) {
    const defs: OptionDefs = COMMAND_OPTIONS[command];
    attempt(() =>
      resolveOptions(defs, { flags: {}, env: {}, file: config.section(command), section: command }),
    );
  }
  return problems;
}

function pickSections(data: Record<string, unknown>): FileSections {
  const sections: Record<string, unknown> = {};
  for (const key of Object.keys(FILE_SECTIONS)) {
    if (data[key] !== undefined) sections[key] = data[key];
  }
  return sections as FileSections;
}

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const listOfScalars = z.union([scalar, z.array(scalar)]);

/** A command's section: its options that may be given in a file. */
function optionsSchema(defs: OptionDefs) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, def] of Object.entries(defs)) {
    if (def.file === false) continue;
    shape[key] = (def.kind === 'list' ? listOfScalars : scalar).optional();
  }
  return z.strictObject(shape);
}

let schema: z.ZodType | undefined;
function fileSchema(): z.ZodType {
  schema ??= z.strictObject({
    ...optionsSchema(SETTING_OPTIONS).shape,
    ...Object.fromEntries(
      Object.entries(COMMAND_OPTIONS).map(([name, defs]) => [name, optionsSchema(defs).optional()]),
    ),
    ...Object.fromEntries(
      Object.entries(FILE_SECTIONS as Record<string, z.ZodType>).map(([name, section]) => [
        name,
        section.optional(),
      ]),
    ),
  });
  return schema;
}

type Issue = z.core.$ZodIssue;

/** Points an issue at the node it is about: the unknown key itself, or the bad value. */
function locateIssue(
  doc: Document,
  issue: Issue,
  at: (offset: number) => { line: number; column: number },
): ConfigProblem {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const name = path.length > 0 ? path.join('.') : 'the file';
  if (issue.code === 'unrecognized_keys') {
    const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
    const key = issue.keys[0] ?? '';
    // A key is echoed only when it looks like one: a file that is not a config file (a secret
    // named by mistake) must not have its text printed.
    const named = /^[A-Za-z_][A-Za-z0-9_.-]{0,39}$/.test(key);
    const pair = isMap(map)
      ? map.items.find((item) => isScalar(item.key) && String(item.key.value) === key)
      : undefined;
    const keyNode = pair?.key as { range?: [number, number, number] } | undefined;
    const allowed = Object.keys(allowedKeys(path));
    const near = closest(key, allowed);
    return {
      ...(keyNode?.range ? at(keyNode.range[0]) : { line: 1, column: 1 }),
      message: `${named ? `unknown key "${key}"` : 'an unknown key (its text is not shown)'}${
        path.length > 0 ? ` in ${name}` : ''
      }${suggestion(named ? near : undefined, allowed)}`,
    };
  }
  const node = (path.length === 0 ? doc.contents : doc.getIn(path, true)) as {
    range?: [number, number, number];
  } | null;
  return {
    ...(node?.range ? at(node.range[0]) : { line: 1, column: 1 }),
    message: `${name}: ${describeIssue(issue, node !== null && node !== undefined)}`,
  };
}

function describeIssue(issue: Issue, present: boolean): string {
  if (issue.code === 'invalid_type') {
    if (!present) return `missing; expected ${issue.expected}`;
    if (issue.expected === 'object') return 'expected a mapping of keys to values';
    return `expected ${issue.expected === 'union' ? 'a text, number or true/false' : issue.expected}`;
  }
  if (issue.code === 'invalid_union')
    return 'expected a text, a number, true/false or a list of them';
  return issue.message;
}

function suggestion(near: string | undefined, allowed: readonly string[]): string {
  if (near !== undefined) return ` (did you mean "${near}"?)`;
  return allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : '';
}

/** Keys allowed at a path, for suggestions: the schema walked down to the mapping there. */
function allowedKeys(path: readonly PropertyKey[]): Record<string, unknown> {
  let node: ZodNode | undefined = unwrap(fileSchema() as unknown as ZodNode);
  for (const step of path) {
    const def = node?._zod.def;
    const next =
      def?.type === 'object'
        ? def.shape?.[String(step)]
        : def?.type === 'array'
          ? def.element
          : def?.type === 'record'
            ? def.valueType
            : undefined;
    node = unwrap(next);
  }
  const def = node?._zod.def;
  return def?.type === 'object' ? (def.shape ?? {}) : {};
}

/** The parts of a zod schema's definition that lead to the mappings inside it. */
interface ZodNode {
  readonly _zod: {
    readonly def: {
      readonly type: string;
      readonly shape?: Record<string, ZodNode>;
      readonly element?: ZodNode;
      readonly valueType?: ZodNode;
      readonly innerType?: ZodNode;
      readonly in?: ZodNode;
      readonly out?: ZodNode;
    };
  };
}

/** Through optional, default and transform wrappers to the schema that holds keys or items. */
function unwrap(node: ZodNode | undefined): ZodNode | undefined {
  let current = node;
  for (let depth = 0; current !== undefined && depth < 20; depth++) {
    const def: ZodNode['_zod']['def'] = current._zod.def;
    if (def.innerType !== undefined) current = def.innerType;
    else if (def.type === 'pipe') {
      const inner = unwrap(def.in);
      const kind = inner?._zod.def.type;
      current = kind === 'object' || kind === 'array' || kind === 'record' ? inner : def.out;
    } else return current;
  }
  return current;
}

/** The allowed key nearest to a misspelt one, if it is close enough to be what was meant. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of allowed) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(
        Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost),
      );
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
