import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, cleanEnv } from '../helpers/cli.ts';

// serve whose history file cannot grow (a file size limit: the kernel refuses the write, as a
// full disk would): one clear line, live data goes on, no crash and no loop of messages.

describe('serve with a disk that fills up', { timeout: 60_000 }, () => {
  let dir: string | undefined;
  after(() => (dir === undefined ? undefined : rm(dir, { recursive: true, force: true })));

  it('says so once, keeps serving live data, and stops cleanly', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fleetmon-full-'));
    const store = join(dir, 'history.db');
    // 300 KiB for any file the process writes; SIGXFSZ ignored, so the write fails with EFBIG.
    // Without coverage (Node passes NODE_V8_COVERAGE on to children whatever their env says):
    // the limit would cut the child's coverage file short too.
    const script = `trap '' XFSZ; ulimit -f 300; unset NODE_V8_COVERAGE; exec "${BIN}" serve --api demo --listen 127.0.0.1:0 --interval 500ms --store "${store}"`;
    const child = spawn('bash', ['-c', script], {
      env: cleanEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    const seen = (pattern: RegExp, ms: number) =>
      new Promise<void>((resolve, reject) => {
        const limit = setTimeout(() => reject(new Error(`no ${pattern} in: ${stderr}`)), ms);
        const check = () => {
          if (!pattern.test(stderr)) return;
          clearTimeout(limit);
          resolve();
        };
        child.stderr?.on('data', check);
        check();
      });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    try {
      await seen(/dashboard on (http:\S+\/)/, 15_000);
      const url = /dashboard on (http:\S+\/)/.exec(stderr)?.[1] ?? '';
      await seen(/cannot write to disk/, 30_000);
      // Several more scans while the store stays unwritable.
      await new Promise((r) => setTimeout(r, 2000));
      const ready = (await (await fetch(`${url}readyz`)).json()) as {
        ready: boolean;
        store: { up: boolean; pending: number };
      };
      assert.equal(ready.ready, true);
      assert.equal(ready.store.up, false);
      assert.ok(ready.store.pending >= 3, JSON.stringify(ready));
      assert.equal((await fetch(`${url}api/v1/services`)).status, 200);
      const problems = stderr.split('\n').filter((l) => /cannot write to disk/.test(l));
      assert.equal(problems.length, 1, stderr);
      assert.match(
        problems[0] ?? '',
        /^fleetmon serve: history store .*history\.db: cannot write to disk \(.*is it full, or a file size limit reached\?\); live data goes on/,
      );
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /scans not written at shutdown \(the store was down\)/);
    assert.doesNotMatch(stderr, /internal error|at .*\.js:\d+/);
  });
});
