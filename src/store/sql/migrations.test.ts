import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadMigrations } from './migrations.ts';

describe('migrations', () => {
  it('carry the same numbered steps for SQLite and PostgreSQL', () => {
    const sqlite = loadMigrations('sqlite').map((m) => m.name);
    const postgres = loadMigrations('postgres').map((m) => m.name);
    assert.deepEqual(sqlite, postgres);
    assert.deepEqual(sqlite.slice(0, 3), ['0001_history', '0002_probe_results', '0003_alerts']);
  });

  it('checksum the text with LF line ends, and refuse gaps and odd names', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fleetmon-migrations-'));
    try {
      const dir = join(root, 'sqlite');
      await mkdir(dir);
      await writeFile(join(dir, '0001_one.sql'), 'CREATE TABLE a (x INTEGER);\r\n');
      const [crlf] = loadMigrations('sqlite', root);
      await writeFile(join(dir, '0001_one.sql'), 'CREATE TABLE a (x INTEGER);\n');
      const [lf] = loadMigrations('sqlite', root);
      assert.equal(crlf?.checksum, lf?.checksum);
      await writeFile(join(dir, '0003_three.sql'), '');
      assert.throws(() => loadMigrations('sqlite', root), /expected migration 2, found 0003_three/);
      await rm(join(dir, '0003_three.sql'));
      await writeFile(join(dir, '2-Two.sql'), '');
      assert.throws(() => loadMigrations('sqlite', root), /migrations are named NNNN_name\.sql/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
