import { type ChildProcess, spawn } from 'node:child_process';

/** A long-running child process (Prometheus, a mock provider) started by a check. */
export interface Daemon {
  readonly child: ChildProcess;
  /** The first match of the pattern it was started with, in its output. */
  readonly match: RegExpExecArray;
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `command` and waits (bounded) until its stdout or stderr matches `ready`; fails with
 * what it printed if it exits or stays silent first.
 */
export function startDaemon(
  command: string,
  args: readonly string[],
  ready: RegExp,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Daemon> {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(kill);
  };
  return new Promise((resolve, reject) => {
    const limit = setTimeout(() => {
      void stop();
      reject(new Error(`${command} was not ready in time; it printed:\n${output}`));
    }, options.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = ready.exec(output);
      if (match !== null) {
        clearTimeout(limit);
        resolve({ child, match, output: () => output, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(limit);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(limit);
      reject(new Error(`${command} exited (${code}) before it was ready:\n${output}`));
    });
  });
}

/** Polls `check` every 250 ms until it returns a value other than undefined; bounded. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last: ${last})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
