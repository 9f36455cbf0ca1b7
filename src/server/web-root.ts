import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built dashboard (`dist/web`), found from wherever this module runs: the bundle's
 * `dist/chunks/` or the sources' `src/server/`. `undefined` when it has not been built.
 */
export function findWebRoot(from: string = import.meta.url): string | undefined {
  let dir = dirname(fileURLToPath(from));
  for (let depth = 0; depth < 6; depth++) {
    const candidates = basename(dir) === 'dist' ? [join(dir, 'web')] : [join(dir, 'dist', 'web')];
    for (const candidate of candidates) {
      if (existsSync(join(candidate, 'index.html'))) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
