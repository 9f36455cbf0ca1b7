import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlDriver } from './driver.ts';

/** One schema step: `NNNN_name.sql` in `src/store/migrations/<dialect>/`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** SHA-256 of the file's text with line ends made LF, so a checkout's line endings never count. */
  readonly checksum: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * The migrations directory, found from wherever this module runs: `src/store/migrations` next
 * to the sources, or `dist/migrations` next to the bundle (the build copies it there).
 */
export function findMigrationsDir(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(dir, 'migrations');
    if (existsSync(join(candidate, 'sqlite'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('the store migrations are missing: run npm run build (dist/migrations)');
}

/** A dialect's migrations, by version; refuses gaps and misnamed files. */
export function loadMigrations(
  dialect: SqlDriver['dialect'],
  root = findMigrationsDir(),
): Migration[] {
  const dir = join(root, dialect);
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const match = FILE.exec(file);
    if (match === null) throw new Error(`${join(dir, file)}: migrations are named NNNN_name.sql`);
    const sql = readFileSync(join(dir, file), 'utf8').replace(/\r\n/g, '\n');
    migrations.push({
      version: Number(match[1]),
      name: `${match[1]}_${match[2]}`,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`${dir}: expected migration ${i + 1}, found ${m.name}`);
  });
  return migrations;
}
