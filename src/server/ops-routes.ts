import { Hono } from 'hono';
import type { StoreHealth } from '../store/recorder.ts';
import type { HttpAppDeps } from './app.ts';
import { errorBody } from './errors.ts';

/** `/healthz`, `/readyz`, `/version`, `/now` and `/metrics`: for probes, scrapers and clock checks. */
export function opsRoutes(deps: HttpAppDeps): Hono {
  const ops = new Hono();
  const noStore = { 'Cache-Control': 'no-store' };

  // Alive means the process answers; it says nothing about the provider on purpose.
  ops.get('/healthz', (c) => c.json({ status: 'ok' }, 200, noStore));

  ops.get('/readyz', (c) => {
    const view = deps.state.latest;
    if (view === undefined) {
      return c.json(
        { ...errorBody(503, 'waiting for the first completed scan'), ready: false },
        503,
        noStore,
      );
    }
    // A store that is down does not make serve unready: live data goes on without it.
    return c.json(
      {
        status: 'ready',
        ready: true,
        lastScanAt: new Date(view.scannedAt).toISOString(),
        ...(deps.store === undefined ? {} : { store: storeDetail(deps.store()) }),
      },
      200,
      noStore,
    );
  });

  ops.get('/version', (c) => c.json(deps.version));

  ops.get('/now', (c) => {
    const now = deps.clock.wallNow();
    return c.json({ iso: new Date(now).toISOString(), epochMs: now }, 200, noStore);
  });

  ops.get('/metrics', async (c) => {
    const exposition = await deps.metrics.render();
    c.header('Content-Type', deps.metrics.contentType);
    c.header('Vary', 'Accept-Encoding');
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      c.header('Content-Encoding', 'gzip');
      return c.body((await exposition.gzip()) as Uint8Array<ArrayBuffer>, 200, noStore);
    }
    return c.body(exposition.body as Uint8Array<ArrayBuffer>, 200, noStore);
  });

  return ops;
}

/** What `/readyz` says of the history store. */
function storeDetail(health: StoreHealth) {
  return {
    backend: health.backend,
    up: health.up,
    role: health.role,
    pending: health.pending,
    dropped: health.dropped,
    ...(health.up || health.lastError === null ? {} : { error: health.lastError.message }),
  };
}
