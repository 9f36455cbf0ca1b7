import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { classifyStoreError } from '../store-error.ts';

const WRITER = fileURLToPath(new URL('./crash-writer.test-helper.ts', import.meta.url));
const T0 = Date.UTC(2026, 11, 1);

/** Starts the writer, lets it finish `scans` writes, then kills it with SIGKILL mid-write. */
function killMidWrite(path: string, start: number, scans: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, path, String(start)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // A bound on a hung writer, not a measurement.
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    const written: number[] = [];
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        const [outcome, ts] = line.split(' ');
        if (outcome === 'written') written.push(Number(ts));
      }
      // A scan of 3,000 instances takes a few ms: killed at once, it is almost surely mid-write.
      if (written.length >= scans) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer ended by itself: ${stderr}`));
      else resolve(written);
    });
  });
}

describe('SQLite under kill -9', { timeout: 120_000 }, () => {
  let dir: string;
  after(() => (dir === undefined ? undefined : rm(dir, { recursive: true, force: true })));

  it('loses at most the scan in flight and is never corrupt, kill after kill', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fleetmon-crash-'));
    const path = join(dir, 'history.db');
    const confirmed: number[] = [];
    for (let round = 0; round < 3; round++) {
      confirmed.push(...(await killMidWrite(path, T0 + round * 1_000_000, 15 + round * 7)));
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        assert.deepEqual(
          db
            .prepare('PRAGMA integrity_check')
            .all()
            .map((r) => ({ ...r })),
          [{ integrity_check: 'ok' }],
        );
        const scans = db
          .prepare('SELECT ts FROM scans ORDER BY ts')
          .all()
          .map((r) => Number(r.ts));
        // Everything the writer said it wrote is there; at most the scan in flight besides.
        for (const ts of confirmed) assert.ok(scans.includes(ts), `scan ${ts} kept`);
        assert.ok(scans.length <= confirmed.length + round + 1, `${scans.length} scans`);
        // Each stored scan is whole: a row for each of its 12 services, 3,000 samples in all.
        const partial = db
          .prepare(
            'SELECT ts, COUNT(*) AS n, SUM(samples) AS s FROM raw_samples GROUP BY ts HAVING n <> 12 OR s <> 3000',
          )
          .all();
        assert.equal(partial.length, 0);
        const orphans = db
          .prepare(
            'SELECT COUNT(*) AS n FROM scans s WHERE NOT EXISTS (SELECT 1 FROM raw_samples r WHERE r.ts = s.ts)',
          )
          .get();
        assert.equal(orphans?.n, 0);
      } finally {
        db.close();
      }
    }
  });
});

describe('SQLite on a full disk', () => {
  it('is told apart: "disk full", with the store named', () => {
    const db = new DatabaseSync(':memory:');
    db.exec('CREATE TABLE t (b BLOB); PRAGMA max_page_count = 4');
    let error: unknown;
    try {
      for (let i = 0; i < 50; i++) db.prepare('INSERT INTO t VALUES (?)').run(new Uint8Array(4000));
    } catch (err) {
      error = err;
    }
    db.close();
    assert.deepEqual(classifyStoreError(error, 'history store /x/history.db'), {
      kind: 'full',
      message: 'history store /x/history.db: disk full (database or disk is full)',
    });
  });
});
