import { type Context, Hono } from 'hono';
import { filterInstances, sortInstances } from '../core/instances.ts';
import type { HttpAppDeps } from './app.ts';
import { errorBody } from './errors.ts';
import type { FleetView } from './fleet-view.ts';
import { HISTORY_ENDPOINT, historyAnswer } from './history-route.ts';
import { DEFAULT_MAX_STREAMS, liveStreams } from './live-stream.ts';
import { listParam, sortParam, statusParam } from './query.ts';

const ENDPOINTS = {
  instances: '/api/v1/instances?service=&status=&sort=[-]ip|service|status|cpu|memory',
  services: '/api/v1/services',
  health: '/api/v1/health',
  status: '/api/v1/status',
  history: HISTORY_ENDPOINT,
  stream: '/api/v1/stream (text/event-stream)',
  alerts: '/api/v1/alerts?state=firing,pending,resolved',
  silences:
    '/api/v1/silences?state=active,pending,expired (POST JSON to add, DELETE /silences/ID to expire)',
  probes: '/api/v1/probes',
  probeHistory: '/api/v1/probes/history?probe=NAME&since=epoch-ms|ISO-8601|15m',
};

/** `/api/v1/…`: the CLI's JSON rows, history for charts, scanner status and the live stream. */
export function apiRoutes(deps: HttpAppDeps, closing: AbortSignal): Hono {
  const api = new Hono();
  const { state } = deps;

  api.get('/', (c) => c.json({ endpoints: ENDPOINTS }));

  api.get('/instances', (c) => {
    const view = state.latest;
    if (view === undefined) return notReady(c);
    const services = listParam(c.req.queries('service'));
    const statuses = statusParam(c.req.queries('status'));
    const sort = sortParam(c.req.query('sort'));
    if (
      services === undefined &&
      statuses === undefined &&
      sort.field === 'ip' &&
      !sort.descending
    ) {
      return cachedJson(c, view, view.json.instances);
    }
    return c.json(sortInstances(filterInstances(view.instances, { services, statuses }), sort));
  });

  api.get('/services', (c) => {
    const view = state.latest;
    return view === undefined ? notReady(c) : cachedJson(c, view, view.json.services);
  });

  api.get('/health', (c) => {
    const view = state.latest;
    return view === undefined ? notReady(c) : cachedJson(c, view, view.json.health);
  });

  api.get('/status', (c) => {
    const view = state.latest;
    return c.json({
      ready: view !== undefined,
      provider: deps.settings.provider,
      intervalMs: deps.settings.intervalMs,
      historyMs: state.history.reachMs,
      store: deps.store?.() ?? null,
      rules: deps.settings.rules,
      lastScan:
        view === undefined
          ? null
          : {
              seq: view.seq,
              scannedAt: view.scannedAt,
              durationMs: view.durationMs,
              instances: view.instances.length,
            },
      lastError: state.lastFailure ?? null,
      version: deps.version,
    });
  });

  api.get('/history', (c) => historyAnswer(c, state.history, deps.clock.wallNow()));

  api.get(
    '/stream',
    liveStreams(state, closing, deps.maxStreams ?? DEFAULT_MAX_STREAMS, deps.clock),
  );

  return api;
}

function notReady(c: Context): Response {
  c.header('Retry-After', '2');
  return c.json(errorBody(503, 'no scan has completed yet; retry in a few seconds'), 503);
}

/** The scan's pre-serialised JSON, with an ETag so unchanged data costs a 304. */
function cachedJson(c: Context, view: FleetView, body: string): Response {
  const etag = `"${view.scannedAt.toString(36)}-${view.seq}"`;
  c.header('ETag', etag);
  c.header('Cache-Control', 'no-cache');
  if (c.req.header('if-none-match') === etag) return c.body(null, 304);
  c.header('Content-Type', 'application/json; charset=utf-8');
  return c.body(body);
}
