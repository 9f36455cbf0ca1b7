import { FleetmonError } from '../core/errors.ts';
import { escapeUnprintable } from '../core/printable.ts';
import type { Clock } from '../time/clock.ts';
import { HttpFailure, httpExchange } from './http-request.ts';

/** A running `fleetmon serve` and how to get in. */
export interface ServeTarget {
  /** Its base URL, ending in `/` (`http://127.0.0.1:8080/`, or a path behind a proxy). */
  readonly url: string;
  readonly token?: string | undefined;
  readonly basic?: { readonly user: string; readonly password: string } | undefined;
  readonly timeoutMs: number;
  /** The timeout's timer. */
  readonly clock: Clock;
}

/** An answer other than the failures every call treats alike (unreachable, 401, 5xx, not JSON). */
export interface ServeAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Lists of ten thousand alerts are a few MB; an answer beyond this is not fleetmon's. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * One call to serve's API. Throws one clear error when serve cannot be reached, refuses the
 * credentials, fails, or does not answer JSON; returns every other answer to the caller.
 */
export async function callServe(
  target: ServeTarget,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<ServeAnswer> {
  const url = new URL(path, target.url).toString();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (target.token !== undefined) headers.Authorization = `Bearer ${target.token}`;
  else if (target.basic !== undefined) {
    const pair = `${target.basic.user}:${target.basic.password}`;
    headers.Authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  }
  let answer: Awaited<ReturnType<typeof httpExchange>>;
  try {
    answer = await httpExchange(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs: target.timeoutMs,
      clock: target.clock,
      maxBodyBytes: MAX_ANSWER_BYTES,
    });
  } catch (err) {
    const reason = err instanceof HttpFailure ? err.message : String(err);
    throw new FleetmonError(
      'server-unreachable',
      `cannot reach fleetmon serve at ${target.url}: ${reason}`,
      'start fleetmon serve, or point --server (FLEETMON_SERVER) at it',
    );
  }
  const parsed = parseJson(answer.truncated ? '' : answer.body);
  if (answer.status === 401) {
    throw new FleetmonError(
      'config',
      `fleetmon serve at ${target.url} ${headers.Authorization === undefined ? 'wants credentials' : 'refused the credentials'}`,
      'set FLEETMON_AUTH_TOKEN (or --auth-token) to the token serve was started with, or --basic-auth',
    );
  }
  if (answer.status >= 500 || parsed === undefined) {
    const said = messageOf(parsed) ?? `HTTP ${answer.status}`;
    throw new FleetmonError(
      'server-unreachable',
      `fleetmon serve at ${target.url} could not answer ${method} ${path}: ${escapeUnprintable(said)}`,
      parsed === undefined ? 'is --server the address of fleetmon serve?' : undefined,
    );
  }
  return { status: answer.status, body: parsed };
}

/** The `message` of one of serve's error bodies. */
export function messageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('message' in body)) return undefined;
  return typeof body.message === 'string' ? body.message : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
