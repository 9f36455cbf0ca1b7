import type { ConfigFile } from './config-file.ts';

// The only module that reads process.env: everything else gets resolved values.
type Env = Readonly<Record<string, string | undefined>>;

/** The environment, read once by the composition root and handed to every resolver. */
export function environment(): Env {
  return process.env;
}

/** The config file named by the flag or `FLEETMON_CONFIG`, if any. */
export function configPathFrom(flag: string | undefined, env: Env): string | undefined {
  return flag ?? (env.FLEETMON_CONFIG || undefined);
}

/**
 * Reads and checks the config file; its first problem is one config error with file:line:column.
 * The checking (yaml, zod) is loaded only when a config file is given.
 */
export async function loadConfigFile(path: string): Promise<ConfigFile> {
  const { readConfigFile } = await import('./config-file.ts');
  return readConfigFile(path);
}

/** Colour on stdout: `--no-color`/`--color` win, then NO_COLOR, then FORCE_COLOR, then whether it is a terminal. */
export function wantColor(flag: boolean | undefined, isTTY: boolean, env: Env): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY && env.TERM !== 'dumb';
}
