import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningMock, startMock } from '../../src/mock/server.ts';
import { runCli } from '../helpers/cli.ts';
import { freePort } from '../helpers/net.ts';
import { startServeChild, waitFor200 } from '../helpers/serve.ts';

// `fleetmon check` as users run it: the built CLI against mocks whose /now is skewed. The mocks
// run in this process and read the system clock themselves, which each process does to within
// a few µs: TRUTH_SLACK covers that, nothing more.
const TRUTH_SLACK = 0.0002;

let ahead: RunningMock;
let dateOnly: RunningMock;
let dir: string;

before(async () => {
  ahead = await startMock({ host: '127.0.0.1', instances: 3, clockSkewMs: 1500 });
  dateOnly = await startMock({
    host: '127.0.0.1',
    instances: 3,
    clockSkewMs: -200,
    nowDateOnly: true,
  });
  dir = await mkdtemp(join(tmpdir(), 'fleetmon-check-'));
});
after(async () => {
  await Promise.all([ahead.close(), dateOnly.close()]);
  await rm(dir, { recursive: true, force: true });
});

interface Row {
  name: string;
  url: string;
  ok: boolean;
  verdict: string;
  status: number | null;
  latencySeconds: number | null;
  offsetSeconds: number | null;
  uncertaintySeconds: number | null;
  clockSource: string | null;
  failure: string | null;
  reason: string | null;
}

describe('fleetmon check', () => {
  it('catches a clock 1.5 s ahead: skewed, exit 1, a table that says why', async () => {
    const r = await runCli(['check', `${ahead.url}/now`, '--max-skew', '1s']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, '');
    const [header, row, footer] = r.stdout.trimEnd().split('\n');
    assert.match(header ?? '', /^URL\s+VERDICT\s+STATUS\s+LATENCY\s+OFFSET\s+REASON$/);
    assert.match(
      row ?? '',
      /\/now\s+skewed\s+200\s+\S+ m?s\s+\+1\.[45]\d\d s ± [\d.]+ ms\s+clock 1\.[45]\d\d s ahead \(± [\d.]+ ms\), beyond ±1s$/,
    );
    assert.match(
      footer ?? '',
      /^1 probe: 0 ok, 1 skewed, 0 down, 0 unknown · offset = their clock minus ours/,
    );
  });

  it('prints the JSON fields scripts rely on, numbers as numbers', async () => {
    const r = await runCli(['check', `${ahead.url}/now`, '--clock', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const [row] = JSON.parse(r.stdout) as Row[];
    assert.ok(row);
    assert.deepEqual(Object.keys(row), [
      'name',
      'url',
      'ts',
      'ok',
      'verdict',
      'status',
      'latencySeconds',
      'offsetSeconds',
      'uncertaintySeconds',
      'clockSource',
      'failure',
      'reason',
    ]);
    assert.equal(row.ok, true);
    assert.equal(row.verdict, 'ok', 'no limit given: the offset is reported, not judged');
    assert.equal(row.clockSource, 'body');
    assert.ok(
      Math.abs((row.offsetSeconds ?? 0) - 1.5) <= (row.uncertaintySeconds ?? 0) + TRUTH_SLACK,
      r.stdout,
    );
    assert.equal(row.reason, null);
  });

  it('reads a Date-only clock by narrowing the second, within 100 ms', async () => {
    const r = await runCli(['check', `${dateOnly.url}/now`, '--max-skew', '1s', '-o', 'ndjson']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const row = JSON.parse(r.stdout) as Row;
    assert.equal(row.clockSource, 'date');
    assert.equal(row.status, 204);
    assert.ok((row.uncertaintySeconds ?? 1) <= 0.1, r.stdout);
    assert.ok(
      Math.abs((row.offsetSeconds ?? 0) + 0.2) <= (row.uncertaintySeconds ?? 0) + TRUTH_SLACK,
      r.stdout,
    );
  });

  it('exits 3 when no target answers at all, 1 when some do, with the reason for each', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/`;
    const none = await runCli(['check', closed, '--timeout', '2s']);
    assert.equal(none.code, 3, none.stdout);
    assert.match(
      none.stdout,
      /down\s+—\s+—\s+—\s+127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\)/,
    );
    const some = await runCli(['check', closed, `${ahead.url}/servers`, '-o', 'json']);
    assert.equal(some.code, 1);
    const rows = JSON.parse(some.stdout) as Row[];
    assert.deepEqual(
      rows.map((x) => [x.verdict, x.failure]),
      [
        ['down', 'connect'],
        ['ok', null],
      ],
    );
    const status = await runCli(['check', `${ahead.url}/10.0.0.1`, '--expect-status', '200']);
    assert.equal(status.code, 1);
    assert.match(status.stdout, /status 400, expected 200/);
  });

  it('takes host:port/path as http, and checks the body', async () => {
    const host = ahead.url.replace('http://', '');
    const ok = await runCli([
      'check',
      `${host}/now`,
      '--expect-json',
      '$.iso',
      '--expect-regex',
      'x',
    ]);
    assert.equal(ok.code, 2);
    assert.match(ok.stderr, /--expect-json and --expect-regex cannot be used together/);
    const json = await runCli(['check', `${host}/now`, '--expect-json', '$.epochMs']);
    assert.equal(json.code, 0, json.stdout);
    const regex = await runCli(['check', `${host}/now`, '--expect-regex', '^\\{"iso":"20']);
    assert.equal(regex.code, 0, regex.stdout);
  });

  it('refuses bad usage with one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['check'], /^fleetmon: check needs a URL to probe/],
      [['check', 'ftp://example.com/'], /"ftp:\/\/example\.com\/" is not an http or https URL/],
      [['check', 'http://x/', '--max-skew', 'soon'], /--max-skew: "soon" is not valid/],
      [['check', 'http://x/', '--expect-status', '999'], /--expect-status: "999" is not valid/],
      [
        ['check', 'http://x/', '--header', 'nocolon'],
        /--header: "nocolon" is not valid; expected a header/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, message);
    }
  });

  it("runs the config file's probes, all or by name; config check names the line of a bad one", async () => {
    const file = join(dir, 'fleetmon.yaml');
    await writeFile(
      file,
      `probes:\n  - name: time\n    url: ${ahead.url}/now\n    clock: { maxSkew: 2s }\n  - name: list\n    url: ${ahead.url}/servers\n    expectBody: { jsonPath: "$[0]" }\n`,
    );
    const all = await runCli(['--config', file, 'check', '-o', 'json']);
    assert.equal(all.code, 0, all.stdout + all.stderr);
    assert.deepEqual(
      (JSON.parse(all.stdout) as Row[]).map((x) => [x.name, x.verdict]),
      [
        ['time', 'ok'],
        ['list', 'ok'],
      ],
    );
    const one = await runCli(['--config', file, 'check', 'time', '--max-skew', '1s']);
    assert.equal(one.code, 0, 'a configured probe keeps its own limit');
    assert.match(one.stdout, /^PROBE\s+VERDICT/);
    const checked = await runCli(['config', 'check', file]);
    assert.equal(checked.code, 0);
    await writeFile(file, 'probes:\n  - name: a\n    url: x\n    intervall: 5s\n');
    const bad = await runCli(['config', 'check', file]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /fleetmon\.yaml:3:10: probes\.0\.url: "x" is not valid/);
    assert.match(
      bad.stderr,
      /fleetmon\.yaml:4:5: unknown key "intervall" in probes\.0 \(did you mean "interval"\?\)/,
    );
  });

  it("reads serve's own /now", async () => {
    const serve = await startServeChild(['--api', 'demo', '--listen', '127.0.0.1:0']);
    try {
      await waitFor200(`${serve.url}healthz`);
      const r = await runCli(['check', `${serve.url}now`, '--max-skew', '1s', '-o', 'json']);
      assert.equal(r.code, 0, r.stdout);
      const [row] = JSON.parse(r.stdout) as Row[];
      assert.equal(row?.clockSource, 'body');
      assert.ok(Math.abs(row?.offsetSeconds ?? 1) <= (row?.uncertaintySeconds ?? 0) + 0.002);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});
