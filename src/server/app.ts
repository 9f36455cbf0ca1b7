import { Hono } from 'hono';
import type { AlertsApi } from '../alert/alert-service.ts';
import type { HealthRules } from '../core/types.ts';
import type { ProbeReader } from '../probe/probe-board.ts';
import type { StoreHealth } from '../store/recorder.ts';
import type { Clock } from '../time/clock.ts';
import { alertRoutes } from './alert-routes.ts';
import { apiRoutes } from './api-routes.ts';
import { type AuthConfig, authMiddleware } from './auth.ts';
import type { VersionInfo } from './build-info.ts';
import { errorBody } from './errors.ts';
import { type HostPolicy, hostCheck } from './host-check.ts';
import type { LiveState } from './live-state.ts';
import type { FleetMetrics } from './metrics.ts';
import { opsRoutes } from './ops-routes.ts';
import { probeRoutes } from './probe-routes.ts';
import { BadQuery } from './query.ts';
import { securityHeaders } from './security-headers.ts';
import type { StaticAssets } from './static-assets.ts';
import { serveAsset } from './static-routes.ts';

/** Everything the HTTP app reads; built by `serve`, or by tests without a socket. */
export interface HttpAppDeps {
  readonly state: LiveState;
  readonly metrics: FleetMetrics;
  readonly auth: AuthConfig;
  /** `/now` and the time range queries count back from, and the live streams' pings. */
  readonly clock: Clock;
  readonly version: VersionInfo;
  readonly assets: StaticAssets;
  /** Shown by `/api/v1/status` and used by the dashboard. */
  readonly settings: {
    readonly provider: string;
    readonly intervalMs: number;
    readonly rules: HealthRules;
  };
  /** Which `Host` headers are answered; default loopback names and addresses only. */
  readonly hosts?: HostPolicy;
  /** Live streams open at once; default 100 (`DEFAULT_MAX_STREAMS`). */
  readonly maxStreams?: number;
  /** The history store's health, for /readyz, /api/v1/status and the dashboard's banner. */
  readonly store?: () => StoreHealth;
  /** Aborted at shutdown: live streams end so the server can close. */
  readonly closing?: AbortSignal;
  /** Where internal errors are reported (never request headers or credentials). */
  readonly log?: (line: string) => void;
  /** Alerts and silences; `undefined` until alerting has started (its routes answer 503). */
  readonly alerts?: () => AlertsApi | undefined;
  /** The configured probes' results, for `/api/v1/probes`; none without a config file. */
  readonly probes?: ProbeReader;
}

/** The whole HTTP surface as a hono app: testable with `app.request()`, listened on only by `serve`. */
export function createHttpApp(deps: HttpAppDeps): Hono {
  const app = new Hono();
  const closing = deps.closing ?? new AbortController().signal;
  app.use('*', securityHeaders());
  app.use('*', hostCheck(deps.hosts ?? { anyAddress: false, allowed: [] }));
  app.use('*', authMiddleware(deps.auth));
  app.route('/', opsRoutes(deps));
  app.route(
    '/api/v1/probes',
    probeRoutes(deps.probes, () => deps.clock.wallNow()),
  );
  app.route('/api/v1', apiRoutes(deps, closing));
  app.route('/api/v1', alertRoutes(deps.alerts ?? (() => undefined)));
  app.get('*', (c, next) => serveAsset(c, deps.assets) ?? next());
  app.notFound((c) => {
    // Everything but silences is read-only: another method is the wrong method, not a missing page.
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      c.header('Allow', 'GET, HEAD');
      return c.json(
        errorBody(
          405,
          `${c.req.method} is not allowed; fleetmon serve is read-only apart from /api/v1/silences`,
        ),
        405,
      );
    }
    return c.json(
      errorBody(404, `nothing at ${c.req.method} ${c.req.path}; the API is listed at /api/v1`),
      404,
    );
  });
  app.onError((err, c) => {
    if (err instanceof BadQuery) return c.json(errorBody(400, err.message), 400);
    deps.log?.(`internal error on ${c.req.method} ${c.req.path}: ${err.message}`);
    return c.json(errorBody(500, 'internal error; see the server log'), 500);
  });
  return app;
}
