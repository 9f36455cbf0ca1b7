import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { errorBody } from './errors.ts';

/** Who may use the server; with neither set, everyone on the listening address may. */
export interface AuthConfig {
  /** `Authorization: Bearer <token>`. */
  readonly token?: string | undefined;
  /** `Authorization: Basic …` (what browsers prompt for). */
  readonly basic?: { readonly user: string; readonly password: string } | undefined;
}

/**
 * Paths served without credentials: a kubelet's liveness and readiness probes cannot send any.
 * Both say only whether fleetmon is up and ready, never what it has seen.
 */
const OPEN_PATHS = new Set(['/healthz', '/readyz']);

/** Rejects requests without valid credentials with 401 and a JSON body; open when no auth is configured. */
export function authMiddleware(config: AuthConfig): MiddlewareHandler {
  const token = config.token === undefined ? undefined : digest(config.token);
  const basic =
    config.basic === undefined
      ? undefined
      : digest(`${config.basic.user}:${config.basic.password}`);
  if (token === undefined && basic === undefined) return async (_c, next) => next();
  const challenge =
    basic !== undefined ? 'Basic realm="fleetmon", charset="UTF-8"' : 'Bearer realm="fleetmon"';
  return async (c, next) => {
    if (OPEN_PATHS.has(c.req.path)) return next();
    const header = c.req.header('authorization') ?? '';
    const space = header.indexOf(' ');
    const scheme = header.slice(0, space).toLowerCase();
    const value = header.slice(space + 1).trim();
    let ok = false;
    if (space > 0 && scheme === 'bearer' && token !== undefined) ok = same(digest(value), token);
    if (space > 0 && scheme === 'basic' && basic !== undefined) {
      ok = same(digest(Buffer.from(value, 'base64').toString('utf8')), basic);
    }
    if (ok) return next();
    c.header('WWW-Authenticate', challenge);
    return c.json(
      errorBody(401, header === '' ? 'credentials required' : 'invalid credentials'),
      401,
    );
  };
}

// Hashing first gives equal-length inputs, so the comparison takes the same time for any guess.
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function same(a: Buffer, b: Buffer): boolean {
  return timingSafeEqual(a, b);
}
