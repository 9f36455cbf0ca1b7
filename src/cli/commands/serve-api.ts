import type { z } from 'zod';
import { callServe, messageOf, type ServeTarget } from '../../alert/serve-client.ts';
import { FleetmonError } from '../../core/errors.ts';
import type { Context } from '../run.ts';

/** The serve-client options every command that talks to serve has. */
interface ServeClientOptions {
  readonly server: string | undefined;
  readonly authToken: string | undefined;
  readonly basicAuth: { readonly user: string; readonly password: string } | undefined;
}

/** Where serve is and how to get in; `--server` is required. */
export function serveTarget(ctx: Context, options: ServeClientOptions): ServeTarget {
  if (options.server === undefined) {
    throw new FleetmonError(
      'usage',
      'no fleetmon serve to talk to',
      'pass --server URL or set FLEETMON_SERVER, e.g. http://127.0.0.1:8080',
    );
  }
  return {
    url: options.server,
    token: options.authToken,
    basic: options.basicAuth,
    timeoutMs: ctx.settings.timeoutMs,
    clock: ctx.clock,
  };
}

/** GETs `path` and checks the answer's shape. */
export async function readServe<T>(
  target: ServeTarget,
  path: string,
  schema: z.ZodType<T>,
): Promise<T> {
  const answer = await callServe(target, 'GET', path);
  if (answer.status !== 200) throw refusal(target, answer.body, answer.status);
  return checked(target, answer.body, schema);
}

/** The answer's body, if it has the shape this fleetmon expects of serve. */
export function checked<T>(target: ServeTarget, body: unknown, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new FleetmonError(
    'server-unreachable',
    `fleetmon serve at ${target.url} answered something this fleetmon does not understand`,
    'is it the same version?',
  );
}

/** A 4xx from serve: it says what was wrong with what we asked. */
export function refusal(target: ServeTarget, body: unknown, status: number): FleetmonError {
  return new FleetmonError(
    status === 404 || status === 409 ? 'input' : 'usage',
    `fleetmon serve at ${target.url}: ${messageOf(body) ?? `HTTP ${status}`}`,
  );
}
