import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningMock, startMock } from '../../src/mock/server.ts';
import type { ProbeHistoryAnswer, ProbesAnswer } from '../../src/server/probe-answers.ts';
import { BIN, cleanEnv } from '../helpers/cli.ts';
import { eventually } from '../helpers/eventually.ts';
import { freePort } from '../helpers/net.ts';
import { parsePrometheusText } from '../helpers/prom-text.ts';
import { type ServeChild, startServeChild } from '../helpers/serve.ts';

// The built `fleetmon serve` running the config file's probes: results in the API and /metrics,
// and SIGHUP reloads that refuse a bad file and keep the history of probes that stay.

let mock: RunningMock;
let dir: string;
let file: string;
let serve: ServeChild;

const probesOf = async (): Promise<ProbesAnswer> =>
  (await (await fetch(`${serve.url}api/v1/probes`)).json()) as ProbesAnswer;

/** Asks for the probes until `check` passes on the answer. */
function until(check: (answer: ProbesAnswer) => boolean, what: string): Promise<ProbesAnswer> {
  return eventually(
    what,
    async () => {
      const answer = await probesOf();
      return check(answer) ? answer : undefined;
    },
    { everyMs: 100, tries: 150 },
  );
}

function untilLog(pattern: RegExp): Promise<true> {
  return eventually(`${pattern} in serve's log`, () => pattern.test(serve.stderr()) || undefined);
}

before(async () => {
  mock = await startMock({ host: '127.0.0.1', instances: 5, clockSkewMs: 1500 });
  dir = await mkdtemp(join(tmpdir(), 'fleetmon-serve-probes-'));
  file = join(dir, 'fleetmon.yaml');
  const closed = await freePort();
  await writeFile(
    file,
    `probes:
  - name: time
    url: ${mock.url}/now
    clock: { maxSkew: 1s }
    interval: 1s
    labels: { team: core }
  - name: gone
    url: http://127.0.0.1:${closed}/
    interval: 1s
`,
  );
  serve = await startServeChild([
    '--api',
    mock.url,
    '--listen',
    '127.0.0.1:0',
    '--interval',
    '60s',
    '--config',
    file,
  ]);
});

after(async () => {
  serve?.kill();
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

describe('serve with probes', { timeout: 60_000 }, () => {
  it('runs them and exports them', async () => {
    assert.match(serve.stderr(), /; 2 probes; Ctrl-C stops/);
    const answer = await until(
      (a) => a.probes.every((p) => p.last !== null),
      'a first run of each probe',
    );
    assert.deepEqual(
      answer.probes.map((p) => [p.name, p.last?.verdict, p.last?.failure]),
      [
        ['time', 'skewed', 'clock_skew'],
        ['gone', 'down', 'connect'],
      ],
    );
    const families = parsePrometheusText(await (await fetch(`${serve.url}metrics`)).text());
    const sample = (name: string) => families.get(name)?.samples ?? [];
    assert.deepEqual(
      sample('fleetmon_probe_success').map((s) => [s.labels, s.value]),
      [
        [{ probe: 'time', team: 'core' }, 0],
        [{ probe: 'gone' }, 0],
      ],
    );
    const offset = sample('fleetmon_probe_clock_offset_seconds')[0]?.value ?? 0;
    const uncertainty = sample('fleetmon_probe_clock_uncertainty_seconds')[0]?.value ?? 0;
    // The mock reads the system clock in this process, serve in its own: a few µs apart.
    assert.ok(Math.abs(offset - 1.5) <= uncertainty + 0.0002, `${offset} ± ${uncertainty}`);
    assert.deepEqual(
      sample('fleetmon_probe_failure_info').map((s) => s.labels.reason),
      ['clock_skew', 'connect'],
    );
    await untilLog(/probe time: skewed: clock 1\.\d+ s ahead/);
  });

  it('refuses a bad file on SIGHUP in one line, and keeps running the old probes', async () => {
    await writeFile(file, 'probes:\n  - name: time\n    url: not-a-url\n');
    serve.child.kill('SIGHUP');
    await untilLog(
      /config reload refused: .*fleetmon\.yaml:3:10: probes\.0\.url: "not-a-url" is not valid.*; the running config stays\n/,
    );
    const answer = await probesOf();
    assert.deepEqual(
      answer.probes.map((p) => p.name),
      ['time', 'gone'],
    );
  });

  it('applies a good file on SIGHUP: added, removed, changed, and history kept', async () => {
    const before = (await (
      await fetch(`${serve.url}api/v1/probes/history?probe=time`)
    ).json()) as ProbeHistoryAnswer;
    assert.ok(before.ts.length >= 1);
    await writeFile(
      file,
      `probes:
  - name: time
    url: ${mock.url}/now
    clock: { maxSkew: 2s }
    interval: 1s
  - name: list
    url: ${mock.url}/servers
    interval: 1s
`,
    );
    serve.child.kill('SIGHUP');
    await untilLog(/config reloaded: 2 probes \(1 added, 1 removed, 1 changed\)\n/);
    const answer = await until(
      (a) => a.probes.every((p) => p.last?.verdict === 'ok'),
      'the changed and added probes ok',
    );
    assert.deepEqual(
      answer.probes.map((p) => p.name),
      ['time', 'list'],
    );
    const history = (await (
      await fetch(`${serve.url}api/v1/probes/history?probe=time`)
    ).json()) as ProbeHistoryAnswer;
    assert.equal(history.ts[0], before.ts[0], 'the runs before the reload are still there');
    assert.ok(history.verdict.includes('skewed') && history.verdict.at(-1) === 'ok');
    // /metrics is rendered at most once a second; after that a removed probe's series goes.
    await eventually(
      'a removed probe losing its series',
      async () =>
        !/probe="gone"/.test(await (await fetch(`${serve.url}metrics`)).text()) || undefined,
      { everyMs: 200, tries: 25 },
    );
    serve.child.kill('SIGTERM');
    assert.equal((await serve.exited).code, 0);
  });
});

// bin/fleetmon execs Node, so the pid a user (or a service manager) knows is serve itself: a
// SIGHUP sent to it reloads the config, from a shell whose first node is the system one too.
describe('serve started as a user types it', { timeout: 30_000 }, () => {
  it('reloads on a SIGHUP to the pid it was started as, and SIGTERM ends it with 0', async () => {
    const config = join(dir, 'handover.yaml');
    await writeFile(config, `probes:\n  - { name: a, url: "${mock.url}/servers", interval: 1s }\n`);
    const child = spawn(
      BIN,
      ['serve', '--api', mock.url, '--listen', '127.0.0.1:0', '--config', config],
      {
        env: cleanEnv({ PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}` }),
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (code) => resolve(code)),
    );
    const limit = setTimeout(() => child.kill('SIGKILL'), 25_000);
    const waitLog = (pattern: RegExp) =>
      eventually(`${pattern} in the log`, () => pattern.test(stderr) || undefined);
    await waitLog(/dashboard on/);
    await writeFile(config, `probes:\n  - { name: b, url: "${mock.url}/servers", interval: 1s }\n`);
    child.kill('SIGHUP');
    await waitLog(/config reloaded: 1 probe \(1 added, 1 removed, 0 changed\)/);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    clearTimeout(limit);
  });
});
