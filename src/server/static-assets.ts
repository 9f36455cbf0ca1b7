import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file of the built dashboard, held in memory with its gzip form. */
export interface Asset {
  readonly body: Uint8Array;
  readonly gzip: Uint8Array | undefined;
  readonly type: string;
  /** Content-hashed names (Vite's `assets/`) never change; everything else is revalidated. */
  readonly immutable: boolean;
  readonly etag: string;
}

/** The dashboard's files by URL path (`/index.html`, `/assets/index-abc123.js`). */
export type StaticAssets = ReadonlyMap<string, Asset>;

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.webmanifest', '.txt']);

/**
 * Reads the built dashboard (a few small files) into memory once at start, so serving
 * needs no file system access and no path from a request ever reaches the disk.
 * Source maps are left out. A missing directory gives an empty map.
 */
export async function loadStaticAssets(dir: string | undefined): Promise<StaticAssets> {
  const assets = new Map<string, Asset>();
  if (dir === undefined) return assets;
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch {
    return assets;
  }
  for (const entry of entries) {
    const ext = extname(entry);
    const type = TYPES[ext];
    if (type === undefined) continue;
    const body = await readFile(join(dir, entry)).catch(() => undefined);
    if (body === undefined) continue;
    const path = `/${relative(dir, join(dir, entry)).split(sep).join('/')}`;
    const gzip = COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body) : undefined;
    const hash = createHash('sha1').update(body).digest('base64url').slice(0, 16);
    assets.set(path, {
      body,
      gzip,
      type,
      immutable: path.startsWith('/assets/'),
      etag: `"${hash}"`,
    });
  }
  return assets;
}
