import type { Context } from 'hono';
import type { Asset, StaticAssets } from './static-assets.ts';

/** Serves the built dashboard from memory; `/` is `index.html`. Returns `undefined` for unknown paths. */
export function serveAsset(c: Context, assets: StaticAssets): Response | undefined {
  const path = c.req.path === '/' ? '/index.html' : c.req.path;
  const asset = assets.get(path);
  if (asset === undefined) {
    if (c.req.path !== '/') return undefined;
    // Running from sources before `npm run build`: say so instead of a bare 404.
    return c.text(
      'fleetmon: the dashboard has not been built; run `npm run build`. The JSON API is at /api/v1/.\n',
      503,
    );
  }
  return send(c, asset);
}

function send(c: Context, asset: Asset): Response {
  c.header('ETag', asset.etag);
  c.header('Cache-Control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  c.header('Vary', 'Accept-Encoding');
  if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304);
  c.header('Content-Type', asset.type);
  const gzip = asset.gzip !== undefined && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
  if (gzip) c.header('Content-Encoding', 'gzip');
  const body = gzip ? asset.gzip : asset.body;
  return c.body(body as Uint8Array<ArrayBuffer>);
}
