import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { FleetmonError } from '../core/errors.ts';
import { envNameOf, type RawSettings, SETTING_KEYS, type SettingKey } from './settings.ts';

// The only module that reads process.env (STYLE.md): everything else gets resolved values.
type Env = Readonly<Record<string, string | undefined>>;

/** The shared settings given in the environment (`FLEETMON_*`). Empty values count as unset. */
export function settingsFromEnv(env: Env = process.env): RawSettings {
  const raw: RawSettings = {};
  for (const key of SETTING_KEYS) {
    const value = env[envNameOf(key)];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  return raw;
}

/** The config file named by the flag or `FLEETMON_CONFIG`, if any. */
export function configPathFrom(
  flag: string | undefined,
  env: Env = process.env,
): string | undefined {
  return flag ?? (env.FLEETMON_CONFIG || undefined);
}

const fileSchema = z.strictObject(
  Object.fromEntries(
    SETTING_KEYS.map((key) => [key, z.union([z.string(), z.number()]).optional()]),
  ) as Record<SettingKey, z.ZodOptional<z.ZodUnion<[z.ZodString, z.ZodNumber]>>>,
);

/** Reads and checks a JSON config file; every problem is reported with its path, in one line. */
export async function settingsFromFile(path: string): Promise<RawSettings> {
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
    throw new FleetmonError('config', `${name}: not valid JSON (${(err as Error).message})`);
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
    throw new FleetmonError('config', `${name}: ${problems.join('; ')}`);
  }
  const raw: RawSettings = {};
  for (const [key, value] of Object.entries(result.data)) {
    if (value !== undefined) raw[key as SettingKey] = String(value);
  }
  return raw;
}

/** Colour on stdout: `--no-color`/`--color` win, then NO_COLOR, then FORCE_COLOR, then whether it is a terminal. */
export function wantColor(
  flag: boolean | undefined,
  isTTY: boolean,
  env: Env = process.env,
): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY && env.TERM !== 'dumb';
}
