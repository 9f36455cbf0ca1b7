import type { InstanceStats } from '../core/types.ts';
import { preview } from './preview.ts';

/** Longest service name we accept; anything longer is garbage, not a name. */
export const MAX_SERVICE_LENGTH = 200;

/** Result of validating one `GET /<ip>` body. */
export type StatsBodyResult =
  | { readonly ok: true; readonly stats: InstanceStats }
  | { readonly ok: false; readonly service: string | null; readonly error: string };

const PERCENT = /^\s*(-?(?:\d+(?:\.\d*)?|\.\d+))\s*%?\s*$/;
// Control characters would reach the terminal through tables; refuse them at the edge.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Validates a stats body such as `{"cpu": "61%", "memory": "4%", "service": "UserService"}`.
 * Never throws: a bad body yields a one-line reason, keeping the service name when it was valid.
 */
export function parseStatsBody(text: string): StatsBodyResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const error = text.trim() === '' ? 'body is empty' : 'body is not JSON';
    return { ok: false, service: null, error };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, service: null, error: 'body is not a JSON object' };
  }
  const fields = body as Record<string, unknown>;
  const service = readService(fields);
  const cpu = readPercent(fields, 'cpu');
  const memory = readPercent(fields, 'memory');
  if (service.ok && cpu.ok && memory.ok) {
    return { ok: true, stats: { service: service.value, cpu: cpu.value, memory: memory.value } };
  }
  const problems = [service, cpu, memory].flatMap((part) => (part.ok ? [] : [part.error]));
  return { ok: false, service: service.ok ? service.value : null, error: problems.join('; ') };
}

type Field<T> = { ok: true; value: T } | { ok: false; error: string };

function readService(fields: Record<string, unknown>): Field<string> {
  if (!Object.hasOwn(fields, 'service')) return { ok: false, error: 'missing field "service"' };
  const raw = fields.service;
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (value === '') return { ok: false, error: 'service must be a non-empty string' };
  if (value.length > MAX_SERVICE_LENGTH) {
    return { ok: false, error: `service is longer than ${MAX_SERVICE_LENGTH} characters` };
  }
  if (CONTROL.test(value)) return { ok: false, error: 'service contains control characters' };
  return { ok: true, value };
}

function readPercent(fields: Record<string, unknown>, name: string): Field<number> {
  if (!Object.hasOwn(fields, name)) return { ok: false, error: `missing field "${name}"` };
  const raw = fields[name];
  let value = Number.NaN;
  if (typeof raw === 'number') value = raw;
  if (typeof raw === 'string') {
    const match = PERCENT.exec(raw);
    if (match !== null) value = Number(match[1]);
  }
  if (!Number.isFinite(value)) {
    return { ok: false, error: `${name} ${preview(raw)} is not a percentage` };
  }
  if (value < 0 || value > 100) {
    return { ok: false, error: `${name} ${preview(raw)} is out of range 0-100` };
  }
  // -0 would print as "-0" in JSON output.
  return { ok: true, value: value === 0 ? 0 : value };
}
