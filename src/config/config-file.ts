// Config file checking, split from sources.ts so that zod is loaded only when a config file is given.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { FleetmonError } from '../core/errors.ts';
import { escapeUnprintable } from '../core/printable.ts';
import { type RawSettings, SETTING_KEYS, type SettingKey } from './settings.ts';

const fileSchema = z.strictObject(
  Object.fromEntries(
    SETTING_KEYS.map((key) => [key, z.union([z.string(), z.number()]).optional()]),
  ) as Record<SettingKey, z.ZodOptional<z.ZodUnion<[z.ZodString, z.ZodNumber]>>>,
);

/** Reads and checks a JSON config file; every problem is reported with its path, in one line. */
export async function readConfigFile(path: string): Promise<RawSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err);
    throw new FleetmonError(
      'config',
      `config file ${path}: ${reason}`,
      'check --config or FLEETMON_CONFIG',
    );
  }
  return parseConfig(text, basename(path));
}

/** Validates config file text; pure, so every rule is tested without a disk. */
export function parseConfig(text: string, name: string): RawSettings {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const reason = escapeUnprintable((err as Error).message);
    throw new FleetmonError('config', `${name}: not valid JSON (${reason})`);
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
