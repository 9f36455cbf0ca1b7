import { type ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';
import { BIN, cleanEnv } from './cli.ts';
import { eventually } from './eventually.ts';

/** `bin/fleetmon serve …` running as a child, with the URL it printed. */
export interface ServeChild {
  readonly child: ChildProcess;
  readonly url: string;
  stderr(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILLs the process if it still runs (cleanup for failed tests). */
  kill(): void;
}

/** Starts the built CLI's `serve` and waits (bounded) for its "dashboard on URL" line. */
export async function startServeChild(
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ServeChild> {
  const child = spawn(BIN, ['serve', ...args], {
    env: cleanEnv(options.env),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const limit = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not print its URL in time; stderr: ${stderr}`));
    }, options.timeoutMs ?? 15_000);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /dashboard on (http:\/\/\S+\/)/.exec(stderr);
      if (match?.[1] !== undefined) {
        clearTimeout(limit);
        resolve(match[1]);
      }
    });
    child.on('exit', () => {
      clearTimeout(limit);
      reject(new Error(`serve exited early; stderr: ${stderr}`));
    });
  });
  return {
    child,
    url,
    stderr: () => stderr,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Asks `url` every 100 ms until it answers 200; gives up after about `limitMs`. */
export async function waitFor200(
  url: string,
  limitMs = 10_000,
  init: RequestInit = {},
): Promise<void> {
  let last = 0;
  const answered200 = async () => {
    last = await fetch(url, init)
      .then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      })
      .catch(() => 0);
    return last === 200 ? true : undefined;
  };
  await eventually(`${url} answering 200`, answered200, {
    everyMs: 100,
    tries: Math.ceil(limitMs / 100),
  }).catch((err: Error) => {
    throw new Error(`${err.message} (last ${last})`);
  });
}

/** Reads a Server-Sent Events stream until `count` events named `name` arrived; bounded. */
export function readEvents(
  url: string,
  name: string,
  count: number,
  timeoutMs = 10_000,
): Promise<{
  events: { id?: string; data: string }[];
  ended: Promise<void>;
  close: () => void;
}> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: { Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      const ended = new Promise<void>((done) => {
        res.on('end', done);
        res.on('close', done);
      });
      let buffer = '';
      const events: { id?: string; data: string }[] = [];
      res.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((l) => !l.startsWith(':') && l.includes(':'))
              .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trimStart()]),
          );
          if (fields.event === name) events.push({ id: fields.id, data: fields.data ?? '' });
          if (events.length === count) {
            clearTimeout(limit);
            resolve({ events, ended, close: () => req.destroy() });
          }
          cut = buffer.indexOf('\n\n');
        }
      });
    });
    const limit = setTimeout(() => {
      req.destroy();
      reject(new Error(`no ${count} "${name}" events within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', reject);
  });
}
