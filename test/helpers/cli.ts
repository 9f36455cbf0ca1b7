import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Path of the built executable, as a user runs it. */
export const BIN = fileURLToPath(new URL('../../bin/fleetmon', import.meta.url));

/** What one run of the CLI printed, and how it ended. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment for a child run: no colour forcing or fleetmon settings leak in from the developer's shell. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('FLEETMON_') && key !== 'FORCE_COLOR' && key !== 'NO_COLOR')
      env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs `bin/fleetmon args` as a user types it, with a hard time limit so a hang fails the test instead of CI. */
export function runCli(
  args: readonly string[],
  options: {
    env?: Record<string, string>;
    timeoutMs?: number;
    onStdout?: (chunk: string, kill: (s: NodeJS.Signals) => void) => void;
    /** Called once the child runs, with a way to signal it. */
    onSpawn?: (kill: (s: NodeJS.Signals) => void) => void;
    /** Another launcher than the repository's bin/fleetmon (a symlink, an installed copy). */
    bin?: string;
    cwd?: string;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.bin ?? BIN, args, {
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      env: cleanEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    options.onSpawn?.((s) => child.kill(s));
    let stdout = '';
    let stderr = '';
    const limit = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(chunk, (s) => child.kill(s));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
