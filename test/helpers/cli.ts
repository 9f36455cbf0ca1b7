import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * A state directory of this test process's own, removed when it exits: `serve` keeps its
 * default history file there, never in the developer's `~/.local/state`.
 */
let stateHome: string | undefined;
function testStateHome(): string {
  if (stateHome === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'fleetmon-state-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    stateHome = dir;
  }
  return stateHome;
}

/**
 * Environment for a child run: no colour forcing, fleetmon settings or database URL leak in from
 * the developer's shell, and the default history store is in a temporary state directory.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      !key.startsWith('FLEETMON_') &&
      !['FORCE_COLOR', 'NO_COLOR', 'DATABASE_URL', 'XDG_STATE_HOME'].includes(key)
    )
      env[key] = value;
  }
  return { ...env, XDG_STATE_HOME: testStateHome(), ...extra };
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
