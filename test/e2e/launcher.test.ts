import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BIN, runCli } from '../helpers/cli.ts';

// bin/fleetmon starts exactly one Node: the one pinned next to the project, else the first on
// PATH, which the bundle itself refuses in one line when it is older than 22.
const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
/** A copy of the project as `npm install` leaves it: bin/ and dist/, no pinned Node. */
let installed: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetmon-launcher-'));
  installed = join(dir, 'pkg');
  mkdirSync(join(installed, 'bin'), { recursive: true });
  cpSync(BIN, join(installed, 'bin', 'fleetmon'));
  symlinkSync(join(root, 'dist'), join(installed, 'dist'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => {
  try {
    return (
      Number(/^v(\d+)/.exec(execFileSync(path, ['--version'], { encoding: 'utf8' }))?.[1]) < 22
    );
  } catch {
    return false;
  }
});

describe('bin/fleetmon', () => {
  it('works through a symlink, from any working directory', async () => {
    const link = join(dir, 'fleetmon-link');
    symlinkSync(BIN, link);
    const r = await runCli(['--version'], { bin: link, cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d+\.\d+\.\d+/);
  });

  it('without a pinned Node, runs on the first node on PATH when it is new enough', async () => {
    const r = await runCli(['--api', 'demo', 'health', '-o', 'json'], {
      bin: join(installed, 'bin', 'fleetmon'),
      env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` },
    });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.ok(JSON.parse(r.stdout).length > 0);
  });

  it('with only an old Node on PATH, says in one line what to install (exit 2)', async (t) => {
    if (systemNode === undefined) return t.skip('no Node older than 22 on this machine');
    const r = await runCli(['--api', 'demo', 'services'], {
      bin: join(installed, 'bin', 'fleetmon'),
      env: { PATH: `${dirname(systemNode)}:/bin` },
    });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^fleetmon: needs Node\.js 22 or newer, this is 2\d\.[\d.]+: install Node\.js 24 LTS/,
    );
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
    assert.equal(r.stdout, '');
  });

  it('with no node at all, says so in one line (exit 2)', async () => {
    const r = await runCli(['--version'], {
      bin: join(installed, 'bin', 'fleetmon'),
      env: { PATH: join(dir, 'empty') },
    });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'fleetmon: needs Node.js 22 or newer, and there is no node on PATH: install Node.js 24 LTS\n',
    );
  });
});
