// Config file checking, split from sources.ts so that zod is loaded only when a config file is given.
import { basename } from 'node:path';
import { z } from 'zod';
import { FleetmonError } from '../core/errors.ts';
import { escapeUnprintable } from '../core/printable.ts';
import { type RawSettings, SETTING_KEYS, type SettingKey } from './settings.ts';
import { readFailure, readSmallFile } from './small-file.ts';

const fileSchema = z.strictObject(
  Object.fromEntries(
    SETTING_KEYS.map((key) => [key, z.union([z.string(), z.number()]).optional()]),
  ) as Record<SettingKey, z.ZodOptional<z.ZodUnion<[z.ZodString, z.ZodNumber]>>>,
);

/** Larger than any config file. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** Reads and checks a JSON config file; every problem is reported with its path, in one line. */
export async function readConfigFile(path: string): Promise<RawSettings> {
  const fail = (reason: string) =>
    new FleetmonError(
      'config',
      escapeUnprintable(`config file ${path}: ${reason}`),
      'check --config or FLEETMON_CONFIG',
    );
  let bytes: Buffer | undefined;
  try {
    bytes = await readSmallFile(path, MAX_CONFIG_BYTES);
  } catch (err) {
    throw fail(readFailure(err));
  }
  if (bytes === undefined) throw fail('larger than 1 MiB, too large for a config file');
  return parseConfig(bytes.toString('utf8'), basename(path));
}

/** Validates config file text; pure, so every rule is tested without a disk. */
export function parseConfig(text: string, name: string): RawSettings {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Never the parser's message: it quotes the file, and the file may be the wrong one
    // (`--config ~/.ssh/id_rsa`). Only where it went wrong.
    throw new FleetmonError(
      'config',
      escapeUnprintable(`${name}: not valid JSON ${whereInvalid(text)}`),
    );
  }
  const result = fileSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? `"${issue.path.join('.')}"` : 'top level';
      if (issue.code === 'unrecognized_keys') {
        return `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')} (allowed: ${SETTING_KEYS.join(', ')})`;
      }
      return issue.path.length > 0
        ? `${where} must be a string or a number`
        : 'must be a JSON object';
    });
    // Keys come from the file: escaped, so a hostile one cannot split the line or colour the terminal.
    throw new FleetmonError('config', escapeUnprintable(`${name}: ${problems.join('; ')}`));
  }
  const raw: RawSettings = {};
  for (const [key, value] of Object.entries(result.data)) {
    if (value !== undefined) raw[key as SettingKey] = String(value);
  }
  return raw;
}

/**
 * Where `text` stops being JSON, found by bisecting on its prefixes: a prefix is still
 * viable while JSON.parse only complains that it ends (V8 says so in words, or names a
 * position at the very end). Only called once parsing failed.
 */
function whereInvalid(text: string): string {
  const viable = (prefix: string): boolean => {
    try {
      JSON.parse(prefix);
      return true;
    } catch (err) {
      const message = (err as Error).message;
      const at = /at position (\d+)/.exec(message)?.[1];
      return (
        message.includes('Unexpected end') || (at !== undefined && Number(at) >= prefix.length)
      );
    }
  };
  if (viable(text)) return '(it ends too early)';
  let good = 0;
  let bad = text.length;
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    if (viable(text.slice(0, mid))) good = mid;
    else bad = mid;
  }
  const before = text.slice(0, bad - 1);
  const line = before.split('\n').length;
  const column = bad - before.lastIndexOf('\n') - 1;
  return `at line ${line}, column ${column}`;
}
