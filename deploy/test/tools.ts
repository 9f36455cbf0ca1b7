// What the deployment checks share: finding the external tools they drive (promtool, podman,
// kubectl, ...), running them with a time limit, and the repository's files.
import { execFile, spawnSync } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The repository's root directory; every check runs from there. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How a command ended and what it printed. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command from the repository root; never rejects, and kills it after `timeoutMs`. */
export function run(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd: ROOT,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        if (err === null) {
          resolve({ code: 0, stdout, stderr });
          return;
        }
        // A number is the exit code; otherwise it did not start, or was killed at the limit.
        const exited = typeof err.code === 'number';
        resolve({
          code: exited ? (err.code as number) : 1,
          stdout,
          stderr: exited ? stderr : `${stderr}${err.message}`,
        });
      },
    );
  });
}

/** Runs a command and returns its stdout, failing the test with its output when it fails. */
export async function runOk(
  command: string,
  args: readonly string[],
  options: Parameters<typeof run>[2] = {},
): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** Whether each command is on PATH. */
export function missingTools(...names: string[]): string[] {
  return names.filter(
    (name) => spawnSync('sh', ['-c', `command -v "${name}"`], { stdio: 'ignore' }).status !== 0,
  );
}

/**
 * Skips the test, saying which tools are missing and how to install them, unless every one is
 * there. Returns whether the test should go on. `.ci/run` installs them all.
 */
export function needTools(t: TestContext, packages: Record<string, string>): boolean {
  const missing = missingTools(...Object.keys(packages));
  if (missing.length === 0) return true;
  const install = [...new Set(missing.map((name) => packages[name]))].join(' ');
  t.skip(`SKIPPED: ${missing.join(', ')} not installed (apt-get install ${install})`);
  return false;
}

/** The repository's files (tracked and new, not ignored) whose path matches. */
export async function repoFiles(pattern: RegExp): Promise<string[]> {
  const out = await runOk('git', ['ls-files', '--cached', '--others', '--exclude-standard']);
  const present = await Promise.all(
    out
      .split('\n')
      .filter((path) => path !== '' && pattern.test(path))
      .map(async (path) => ((await exists(path)) ? path : undefined)),
  );
  return present.filter((path) => path !== undefined);
}

async function exists(path: string): Promise<boolean> {
  return access(`${ROOT}${path}`).then(
    () => true,
    () => false,
  );
}

/** A file of the repository as text. */
export function readRepoFile(path: string): Promise<string> {
  return readFile(`${ROOT}${path}`, 'utf8');
}
