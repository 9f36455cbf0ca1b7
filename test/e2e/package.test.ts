import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.ts';

// The package as a user gets it: packed, installed into an empty folder, run from there with
// Node 24 first on PATH and nothing from this repository.
const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let files: string[];
let installWarnings: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetmon-package-'));
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
  // dist/ was built by the test command; packing again would only rebuild it.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      cwd: root,
      env,
      encoding: 'utf8',
    }),
  ) as { filename: string; files: { path: string }[] }[];
  files = packed[0]?.files.map((f) => f.path) ?? [];
  const app = join(dir, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), '{"name": "app", "private": true}');
  const install = spawnSync(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', join(dir, packed[0]?.filename ?? '')],
    { cwd: app, env, encoding: 'utf8' },
  );
  assert.equal(install.status, 0, install.stderr);
  installWarnings = install.stderr;
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the npm package', () => {
  it('holds what runs and nothing else', () => {
    for (const needed of ['bin/fleetmon', 'dist/fleetmon.js', 'dist/web/index.html', 'LICENSE'])
      assert.ok(files.includes(needed), `${needed} missing from ${files.join(', ')}`);
    assert.ok(files.includes('dist/THIRD-PARTY-NOTICES.txt'));
    const stray = files.filter((f) => /^(src|test|bench|scripts|docs|\.ci|web)\/|\.map$/.test(f));
    assert.deepEqual(stray, []);
  });

  it('installs without install scripts and runs the demo fleet', async () => {
    assert.doesNotMatch(installWarnings, /warn/);
    const r = await runCli(['--api', 'demo', 'services'], {
      bin: join(dir, 'app', 'node_modules', '.bin', 'fleetmon'),
      cwd: join(dir, 'app'),
      env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^SERVICE\s+INSTANCES/);
    assert.equal(r.stderr, '');
  });

  it('runs through npx as a user types it', () => {
    const out = execFileSync(
      'npx',
      ['--no-install', 'fleetmon', '--api', 'demo', 'services', '-o', 'json'],
      {
        cwd: join(dir, 'app'),
        env: { ...process.env, PATH: `${dirname(process.execPath)}:/usr/bin:/bin` },
        encoding: 'utf8',
        // health exits 1 when the demo fleet has flagged services, which it has.
      },
    ).toString();
    assert.ok((JSON.parse(out) as unknown[]).length > 0);
  });
});
