import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AlertsApi } from '../alert/alert-service.ts';
import type { AlertState, SilenceState } from '../core/alert-types.ts';
import { parseDuration } from '../core/duration.ts';
import { errorBody } from './errors.ts';
import { BadQuery, listParam } from './query.ts';

const ALERT_STATES: readonly AlertState[] = ['firing', 'pending', 'resolved'];
const SILENCE_STATES: readonly SilenceState[] = ['active', 'pending', 'expired'];

/** A silence request is a few hundred bytes; anything near this is not one. */
const MAX_BODY_BYTES = 16 * 1024;

const NOT_JSON = Symbol('not JSON');

/** An instant: ISO 8601 with a zone, or epoch milliseconds. */
const instant = z.union([
  z.number().int().nonnegative(),
  z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
]);

/** `POST /api/v1/silences`: what the CLI and the dashboard send. */
const silenceBody = z.strictObject({
  matchers: z.array(z.string().max(1100)).min(1).max(32),
  startsAt: instant.optional(),
  endsAt: instant.optional(),
  /** `2h`, `30m`: from the start; instead of endsAt. */
  duration: z.string().max(32).optional(),
  comment: z.string().max(2000),
  createdBy: z.string().max(200).optional(),
});

/**
 * `/api/v1/alerts` and `/api/v1/silences`: the only routes that change anything. Writes take
 * JSON only (a cross-site form cannot send it, and a page elsewhere cannot send it without a
 * CORS preflight that fleetmon never grants), and they sit behind the same auth as the rest.
 */
export function alertRoutes(alerts: () => AlertsApi | undefined): Hono {
  const api = new Hono();

  api.get('/alerts', (c) => {
    const service = alerts();
    if (service === undefined) return notReady(c);
    return c.json(service.list(statesParam(c.req.queries('state'), ALERT_STATES)));
  });

  api.get('/silences', (c) => {
    const service = alerts();
    if (service === undefined) return notReady(c);
    return c.json(service.silences(statesParam(c.req.queries('state'), SILENCE_STATES)));
  });

  api.post(
    '/silences',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json(errorBody(413, `a silence request is at most ${MAX_BODY_BYTES} bytes`), 413),
    }),
    async (c) => {
      const service = alerts();
      if (service === undefined) return notReady(c);
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json\s*(;|$)/i.test(type)) {
        return c.json(
          errorBody(415, 'send the silence as JSON (Content-Type: application/json)'),
          415,
        );
      }
      const raw: unknown = await c.req.json().catch(() => NOT_JSON);
      if (raw === NOT_JSON) return c.json(errorBody(400, 'the body is not valid JSON'), 400);
      const parsed = silenceBody.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.join('.') || 'body';
        return c.json(errorBody(400, `${where}: ${issue?.message ?? 'not a silence'}`), 400);
      }
      const body = parsed.data;
      let durationMs: number | undefined;
      if (body.duration !== undefined) {
        const ms = parseDuration(body.duration);
        if (ms === null || ms <= 0) {
          return c.json(
            errorBody(400, `duration "${body.duration}" is not a duration such as 2h`),
            400,
          );
        }
        durationMs = ms;
      }
      const result = await service.addSilence({
        matchers: body.matchers,
        startsAt: body.startsAt,
        endsAt: body.endsAt,
        durationMs,
        comment: body.comment,
        createdBy: body.createdBy,
      });
      if (typeof result === 'string') return c.json(errorBody(400, result), 400);
      c.header('Location', `silences/${result.silence.id}`);
      return c.json(result, 201);
    },
  );

  api.delete('/silences/:id', async (c) => {
    const service = alerts();
    if (service === undefined) return notReady(c);
    const id = c.req.param('id');
    const result = await service.expireSilence(id);
    if (result === 'unknown') {
      return c.json(errorBody(404, `no silence with id ${JSON.stringify(id.slice(0, 64))}`), 404);
    }
    if (result === 'expired')
      return c.json(errorBody(409, 'that silence has already expired'), 409);
    return c.json({ silence: result });
  });

  // The right Allow for the write routes' paths (the app's fallback names GET and HEAD only).
  api.all('/silences', (c) => methodNotAllowed(c, 'GET, HEAD, POST'));
  api.all('/silences/:id', (c) => methodNotAllowed(c, 'DELETE'));
  return api;
}

function statesParam<T extends string>(
  values: readonly string[] | undefined,
  allowed: readonly T[],
): T[] | undefined {
  return listParam(values)?.map((value) => {
    const found = allowed.find((s) => s === value.toLowerCase());
    if (found === undefined) {
      throw new BadQuery(`state "${value}" is not valid; expected one of ${allowed.join(', ')}`);
    }
    return found;
  });
}

function notReady(c: Context): Response {
  c.header('Retry-After', '1');
  return c.json(errorBody(503, 'alerting is starting; retry in a moment'), 503);
}

function methodNotAllowed(c: Context, allow: string): Response {
  c.header('Allow', allow);
  return c.json(errorBody(405, `${c.req.method} is not allowed here; allowed: ${allow}`), 405);
}
