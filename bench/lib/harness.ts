// Shared plumbing of the benchmarks: providers in child processes, timing of whole
// processes, medians, and the one-line verdicts. Loopback only; every child is killed on exit.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import type { MockOptions } from '../../src/mock/server.ts';

/** The built CLI; benchmarks run it as users do (process start included). */
export const BIN = new URL('../../bin/fleetmon', import.meta.url).pathname;
/** Preload that makes a fleetmon child print its peak RSS on exit (see report-rss.ts). */
export const RSS_HOOK = new URL('./report-rss.ts', import.meta.url).pathname;

const children = new Set<ChildProcess>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopAll();
    process.exit(130);
  });
}
process.once('exit', stopAll);

function stopAll(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

/** The instance IPs a provider lists (`GET /servers`). */
export async function fleetIps(provider: Provider): Promise<string[]> {
  const response = await fetch(`http://${provider.host}:${provider.port}/servers`);
  return (await response.json()) as string[];
}

/** A simulated provider (`fleetmon mock`) in a process of its own. */
export interface Provider {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts the simulated provider (bench/lib/provider.ts) with `options` and waits until it listens. */
export function startProvider(options: MockOptions): Promise<Provider> {
  const script = new URL('./provider.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, [script, JSON.stringify(options)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return whenListening(child, /on (http:\/\/127\.0\.0\.1:(\d+))/);
}

/**
 * Starts the Python stand-in for the original provider (bench/original-provider.py) on a free
 * port with `args` after the port (instances, `--threaded`, ...), and waits until it listens.
 */
export function startPythonProvider(args: readonly string[]): Promise<Provider> {
  const script = new URL('../original-provider.py', import.meta.url).pathname;
  const child = spawn('python3', [script, '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return whenListening(child, /listening on (127\.0\.0\.1:(\d+))/);
}

function whenListening(child: ChildProcess, pattern: RegExp): Promise<Provider> {
  children.add(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const limit = setTimeout(() => reject(new Error(`provider did not start: ${output}`)), 60_000);
    const onData = (chunk: string) => {
      output += chunk;
      const match = pattern.exec(output);
      if (match?.[1] === undefined || match[2] === undefined) return;
      clearTimeout(limit);
      const url = match[1];
      resolve({
        url,
        host: '127.0.0.1',
        port: Number(match[2]),
        pid: child.pid ?? 0,
        stop: () =>
          new Promise<void>((done) => {
            children.delete(child);
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 3000).unref();
          }),
      });
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(limit);
      reject(new Error(`provider exited ${code}: ${output}`));
    });
  });
}

/** One finished process: wall time, exit code, stderr, and peak RSS when the hook was loaded. */
export interface Run {
  readonly ms: number;
  readonly code: number | null;
  readonly stderr: string;
  readonly maxRssMb: number | undefined;
}

/** The bundles of {@link runScript}, by script. */
const bundles = new Map<string, string>();

/**
 * Runs the TypeScript `script` as plain JavaScript (bundled by esbuild into a temporary
 * directory, once) to the end, stdout discarded, and times it from spawn to exit. Node strips
 * the types of a `.ts` file with a WebAssembly module it must first compile: ~100 ms of
 * start-up on this machine, which fleetmon's bundle does not pay and a baseline must not either.
 */
export function runScript(script: string, args: readonly string[]): Promise<Run> {
  let outfile = bundles.get(script);
  if (outfile === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'fleetmon-bench-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    outfile = join(dir, basename(script).replace(/\.ts$/, '.mjs'));
    buildSync({ entryPoints: [script], outfile, bundle: true, platform: 'node', format: 'esm' });
    bundles.set(script, outfile);
  }
  return runCommand(process.execPath, [outfile, ...args], process.env);
}

/**
 * The environment fleetmon children get: a user's shell, not npm's. npm scripts put
 * node_modules/.bin (and with it the pinned Node) first on PATH; a user's shell finds the system
 * Node first, and `bin/fleetmon` must start the pinned Node by itself, once.
 */
export function fleetmonEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const pinned = dirname(process.execPath);
  const path = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => entry !== pinned && !entry.includes('node_modules'));
  return { ...process.env, PATH: path.join(delimiter), ...extra };
}

/** Runs `bin/fleetmon args` to the end; `rss` preloads the peak-memory hook. */
export function runFleetmon(args: readonly string[], rss = false): Promise<Run> {
  return runCommand(BIN, args, fleetmonEnv(rss ? { NODE_OPTIONS: `--import=${RSS_HOOK}` } : {}));
}

/** Runs `command args` to the end, stdout discarded, and times it from spawn to exit. */
export function runCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    children.add(child);
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - started;
      children.delete(child);
      const rss = /fleetmon-bench maxrss=(\d+)/.exec(stderr)?.[1];
      resolve({ ms, code, stderr, maxRssMb: rss === undefined ? undefined : Number(rss) / 1024 });
    });
  });
}

/** The `--stats` line in a fleetmon run's stderr, without its `fleetmon: ` prefix. */
export function statsLine(stderr: string): string {
  return /^fleetmon: (stats: .*)$/m.exec(stderr)?.[1] ?? '(no --stats line)';
}

/** Index of a run whose value is the median (the upper middle one for an even count). */
export function indexOfMedian(values: readonly number[]): number {
  return values.indexOf([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0);
}

/** The middle value (mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Requests per second `wrk` gets, when wrk is installed (an optional cross-check). */
export function wrkRate(url: string, connections: number, seconds: number): number | undefined {
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined) return undefined;
  const run = spawnSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, url], {
    encoding: 'utf8',
  });
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(run.stdout ?? '')?.[1];
  return rate === undefined ? undefined : Number(rate);
}

/** Machine line for the record. */
export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown cpu';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.versions.node}, ${process.platform}`;
}

/** Prints one figure against its bound and returns whether it held. */
export function verdict(
  label: string,
  value: number,
  bound: number,
  unit: string,
  digits = 0,
): boolean {
  const ok = value <= bound;
  console.log(
    `  ${ok ? 'PASS' : 'FAIL'}  ${label}: ${value.toFixed(digits)} ${unit} (bound ${bound.toFixed(digits)} ${unit})`,
  );
  return ok;
}

/** Prints the overall result and sets the exit code. */
export function finish(name: string, results: readonly boolean[]): void {
  const ok = results.every(Boolean);
  console.log(`${name}: ${ok ? 'PASS' : 'FAIL'}`);
  if (!ok) process.exitCode = 1;
}
