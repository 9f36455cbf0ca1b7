// Issue 20's targets, measured from outside as a user runs fleetmon:
// 1. `fleetmon instances` against the chunk bomb (every stats answer an endless chunked body of
//    1-byte chunks, each with ~1 KB of extension) at default settings: exit 3, and peak RSS
//    within 1.5 × a normal scan of a 150-instance mock. Interleaved runs, medians.
// 2. `fleetmon serve` against the same bomb for --seconds: peak RSS within 1.5 × serve against
//    the normal mock for as long, both scanning every --interval (default 15s, serve's own).
// 3. 1,000 HEAD and aborted GET requests on /api/v1/stream of a serve child: its live timers,
//    handles and RSS before and after (a preloaded probe, bench/soak-probe.ts, reports them).
//
//   node bench/hostile.ts [--runs 5] [--seconds 60] [--interval 15s] [--fleetmon path/to/bin/fleetmon]
//
// --fleetmon runs another build (e.g. one of main) for a before/after comparison. Linux only
// (/proc). Needs the built CLI (npm run build). Results go to stdout; copy them to bench/README.md.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startHostileProvider } from '../test/helpers/hostile-provider.ts';
import { type RawEnding, rawExchange, rawGet } from '../test/helpers/raw-http.ts';
import {
  BIN,
  finish,
  fleetmonEnv,
  machine,
  median,
  RSS_HOOK,
  runCommand,
  startProvider,
  verdict,
} from './lib/harness.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '60' },
    interval: { type: 'string', default: '15s' },
    fleetmon: { type: 'string', default: BIN },
  },
});
const RUNS = Number(values.runs);
const SECONDS = Number(values.seconds);
const INTERVAL = values.interval;
const FLEETMON = values.fleetmon;
const PROBE = new URL('./soak-probe.ts', import.meta.url).pathname;

console.log(`hostile provider and clients (issue 20) — ${machine()}`);
console.log(`  fleetmon: ${FLEETMON}`);
const mock = await startProvider({ instances: 150, seed: 5, model: 'fixed' });
const bomb = await startHostileProvider('chunk-bomb', 150);
const results: boolean[] = [];

// 1. One-shot scans, normal and bombed in turn.
const normalRss: number[] = [];
const bombRss: number[] = [];
const bombMs: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const normal = await scan(`127.0.0.1:${mock.port}`);
  if (normal.code !== 0) throw new Error(`normal scan exited ${normal.code}: ${normal.stderr}`);
  normalRss.push(normal.mb);
  const bombed = await scan(bomb.api);
  if (bombed.code !== 3) throw new Error(`bombed scan exited ${bombed.code}: ${bombed.stderr}`);
  bombRss.push(bombed.mb);
  bombMs.push(bombed.ms);
}
console.log(
  `instances, peak RSS: normal median ${median(normalRss).toFixed(0)} MB (${fmt(normalRss)}); ` +
    `bomb median ${median(bombRss).toFixed(0)} MB (${fmt(bombRss)}), exit 3 in ${fmt(bombMs.map((ms) => ms / 1000))} s`,
);
results.push(
  verdict(
    'instances under the bomb, median peak RSS',
    median(bombRss),
    1.5 * median(normalRss),
    'MB',
  ),
);

// 2. serve for SECONDS against each provider, one after the other.
const serveNormal = await serveRss(`127.0.0.1:${mock.port}`);
const serveBomb = await serveRss(bomb.api);
console.log(
  `serve over ${SECONDS} s at --interval ${INTERVAL}, RSS: normal peak ${serveNormal.peak.toFixed(0)} MB, last ${serveNormal.last.toFixed(0)} MB; ` +
    `bomb peak ${serveBomb.peak.toFixed(0)} MB, last ${serveBomb.last.toFixed(0)} MB, ${serveBomb.scans} scans`,
);
results.push(
  verdict('serve under the bomb, peak RSS', serveBomb.peak, 1.5 * serveNormal.peak, 'MB'),
);

// 3. Stream requests that end every way.
const streams = await streamLeak(`127.0.0.1:${mock.port}`);
console.log(
  `1,000 HEAD and aborted GET on /api/v1/stream: timers ${streams.before.timers} → ${streams.after.timers}, ` +
    `TCP handles ${streams.before.tcp} → ${streams.after.tcp}, heap after GC ${streams.before.heap.toFixed(1)} → ${streams.after.heap.toFixed(1)} MB, RSS ${streams.before.rss.toFixed(0)} → ${streams.after.rss.toFixed(0)} MB`,
);
results.push(
  verdict('live timers left behind', streams.after.timers - streams.before.timers, 0, ''),
);

await bomb.close();
await mock.stop();
finish('hostile', results);

function fmt(values: readonly number[]): string {
  return values.map((v) => v.toFixed(v < 10 ? 1 : 0)).join(', ');
}

/** One `fleetmon --api API instances` with the peak-RSS hook. */
async function scan(
  api: string,
): Promise<{ mb: number; ms: number; code: number | null; stderr: string }> {
  const run = await runCommand(
    FLEETMON,
    ['--api', api, 'instances'],
    fleetmonEnv({ NODE_OPTIONS: `--import=${RSS_HOOK}` }),
  );
  return { mb: run.maxRssMb ?? Number.NaN, ms: run.ms, code: run.code, stderr: run.stderr };
}

/** Starts `fleetmon serve` on an ephemeral port and resolves once it prints its URL. */
async function startServe(
  api: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    FLEETMON,
    ['--api', api, 'serve', '--listen', '127.0.0.1:0', '--interval', INTERVAL],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: fleetmonEnv(env),
    },
  );
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const limit = setTimeout(() => reject(new Error(`serve printed no URL: ${stderr}`)), 30_000);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const found = /dashboard on (http:\/\/\S+\/)/.exec(stderr)?.[1];
      if (found !== undefined) {
        clearTimeout(limit);
        resolve(found);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  return { child, url };
}

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) / 1024;
}

/** serve against `api` for SECONDS: its peak and last RSS, and the scans it finished. */
async function serveRss(api: string): Promise<{ peak: number; last: number; scans: number }> {
  const { child, url } = await startServe(api);
  const pid = child.pid ?? 0;
  try {
    await sleep(SECONDS * 1000);
    const status = (await (await fetch(`${url}api/v1/status`)).json()) as {
      lastScan: { seq: number } | null;
      lastError: unknown;
    };
    return {
      peak: rssMb(pid, 'VmHWM'),
      last: rssMb(pid, 'VmRSS'),
      scans: status.lastScan?.seq ?? 0,
    };
  } finally {
    child.kill('SIGKILL');
  }
}

interface ProbeSample {
  rss: number;
  heapUsed: number;
  resources: Record<string, number>;
}

/** 1,000 stream requests ending every way against a serve child, with its probe's samples around them. */
async function streamLeak(api: string) {
  const file = join(tmpdir(), `fleetmon-hostile-${process.pid}.ndjson`);
  const { child, url } = await startServe(api, {
    NODE_OPTIONS: `--expose-gc --import=${PROBE}`,
    SOAK_PROBE_FILE: file,
    SOAK_PROBE_MS: '1000',
  });
  const port = Number(new URL(url).port);
  const latest = (): ProbeSample => {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    return JSON.parse(lines.at(-1) ?? '{}') as ProbeSample;
  };
  const summary = (s: ProbeSample) => ({
    timers: s.resources.Timeout ?? 0,
    tcp: s.resources.TCPSocketWrap ?? 0,
    rss: s.rss / 1024 / 1024,
    heap: s.heapUsed / 1024 / 1024,
  });
  try {
    await sleep(3000);
    const before = summary(latest());
    const endings: RawEnding[] = ['close-on-answer', 'reset-on-answer', 'close-at-once'];
    const local = { Host: '127.0.0.1' };
    for (let i = 0; i < 1000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          (i + j) % 2 === 0
            ? rawExchange(
                port,
                rawGet('/api/v1/stream', { ...local, Connection: 'close' }, 'HEAD'),
                {
                  timeoutMs: 1000,
                },
              )
            : rawExchange(port, rawGet('/api/v1/stream', local), {
                ending: endings[((i + j) >> 1) % endings.length],
                timeoutMs: 1000,
              }),
        ),
      );
    }
    await sleep(3000);
    return { before, after: summary(latest()) };
  } finally {
    child.kill('SIGKILL');
    rmSync(file, { force: true });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
