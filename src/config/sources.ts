import { envNameOf, type RawSettings, SETTING_KEYS } from './settings.ts';

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

/**
 * Reads and checks a JSON config file; every problem is reported with its path, in one line.
 * The checking (zod) is loaded only when a config file is given: it is ~45 ms of start-up.
 */
export async function settingsFromFile(path: string): Promise<RawSettings> {
  const { readConfigFile } = await import('./config-file.ts');
  return readConfigFile(path);
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
