// The `probes:` section of the config file: what `serve` watches (and `check --config` runs
// once). Each entry becomes a ProbeSpec; every problem is a zod issue on the path of the value
// at fault, which the loader turns into file:line:column.
import { z } from 'zod';
import { escapeUnprintable } from '../core/printable.ts';
import type { BodyAssertion } from '../probe/body-assertion.ts';
import { ANY_SUCCESS } from '../probe/expected-status.ts';
import { DEFAULT_CLOCK_REQUESTS, type ProbeSpec } from '../probe/probe-spec.ts';
import { bytes, duration, type FieldParser, integer, oneOf } from './fields.ts';
import {
  bodyRegex,
  expectedStatus,
  httpMethod,
  httpUrl,
  isHeaderName,
  isHeaderValue,
  jsonExpectation,
} from './probe-fields.ts';

/** Probe names: short, printable, and safe in URLs, labels and a shell. */
const PROBE_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;
/** Prometheus label names, without the reserved `__` prefix and the ones fleetmon sets. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED_LABELS = new Set(['probe', 'reason']);

const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 5_000;

type Ctx = z.core.$RefinementCtx;

function issue(ctx: Ctx, message: string, input: unknown, path: (string | number)[] = []): void {
  ctx.issues.push({ code: 'custom', message: escapeUnprintable(message), input, path });
}

/**
 * A scalar read with a field parser, with the same message a flag or env value would get;
 * `list` also takes a list, read as its items joined by commas.
 */
function field<T>(parse: FieldParser<T>, list = false) {
  return z.unknown().transform((value, ctx): T => {
    const text = list && Array.isArray(value) ? value.join(',') : value;
    if (typeof text !== 'string' && typeof text !== 'number') {
      issue(
        ctx,
        `expected ${list ? 'a value or a list' : 'a single value'}, not ${describe(value)}`,
        value,
      );
      return z.NEVER;
    }
    const parsed = parse(String(text));
    if (parsed.ok) return parsed.value;
    issue(
      ctx,
      `${JSON.stringify(value)} ${parsed.problem ?? 'is not valid'}; expected ${parsed.allowed}`,
      value,
    );
    return z.NEVER;
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : typeof value;
}

const name = z.unknown().transform((value, ctx) => {
  if (typeof value === 'string' && PROBE_NAME.test(value)) return value;
  issue(
    ctx,
    `${JSON.stringify(value)} is not a probe name; expected 1-64 letters, digits, spaces, _ . or -, starting with a letter or digit`,
    value,
  );
  return z.NEVER;
});

const stringMap = (what: 'header' | 'label') =>
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).transform((map, ctx) => {
    const out: Record<string, string> = {};
    for (const [key, raw] of Object.entries(map)) {
      const value = String(raw);
      if (what === 'header' && !(isHeaderName(key) && isHeaderValue(value))) {
        issue(ctx, `${JSON.stringify(key)} is not a valid header name and value`, raw, [key]);
      } else if (
        what === 'label' &&
        (!LABEL_NAME.test(key) || key.startsWith('__') || RESERVED_LABELS.has(key))
      ) {
        issue(
          ctx,
          `${JSON.stringify(key)} cannot be a label name; expected letters, digits and _, not starting with __, and not probe or reason`,
          raw,
          [key],
        );
      } else out[key] = value;
    }
    return out;
  });

const expectBody = z
  .strictObject({
    jsonPath: z.string().optional(),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    regex: z.string().optional(),
  })
  .transform((body, ctx): BodyAssertion => {
    if ((body.jsonPath === undefined) === (body.regex === undefined)) {
      issue(ctx, 'expected either jsonPath (with an optional equals) or regex', body);
      return z.NEVER;
    }
    if (body.regex !== undefined) {
      if (body.equals !== undefined)
        issue(ctx, 'equals goes with jsonPath, not regex', body.equals, ['equals']);
      const made = bodyRegex(body.regex);
      if (made.ok) return made.value;
      issue(
        ctx,
        `/${body.regex}/ does not compile; expected a JavaScript regular expression`,
        body.regex,
        ['regex'],
      );
      return z.NEVER;
    }
    const made = jsonExpectation(body.jsonPath ?? '');
    if (!made.ok) {
      issue(
        ctx,
        `${JSON.stringify(body.jsonPath)} is not a JSON path; expected one such as $.status or checks[0].name`,
        body.jsonPath,
        ['jsonPath'],
      );
      return z.NEVER;
    }
    return made.value.kind === 'json' && body.equals !== undefined
      ? { ...made.value, equals: body.equals }
      : made.value;
  });

const clock = z
  .strictObject({
    maxSkew: field(duration(1, 7 * 86_400_000)).optional(),
    source: field(oneOf(['auto', 'body', 'date'] as const)).optional(),
    requests: field(integer(1, 20)).optional(),
  })
  .transform((c) => ({
    maxSkewMs: c.maxSkew,
    source: c.source ?? 'auto',
    requests: c.requests ?? DEFAULT_CLOCK_REQUESTS,
  }));

const probe = z
  .strictObject({
    name,
    url: field(httpUrl),
    method: field(httpMethod).optional(),
    headers: stringMap('header').optional(),
    body: z.string().optional(),
    expectStatus: field(expectedStatus, true).optional(),
    expectBody: expectBody.optional(),
    maxLatency: field(duration(1, 600_000)).optional(),
    // `clock: true` reads the clock without a limit; `clock: {maxSkew: 1s}` judges it.
    clock: z.preprocess((v) => (v === true ? {} : v === false ? undefined : v), clock.optional()),
    interval: field(duration(1000, 86_400_000)).optional(),
    timeout: field(duration(10, 600_000)).optional(),
    maxBody: field(bytes(1024, 1024 ** 3)).optional(),
    maxRedirects: field(integer(0, 20)).optional(),
    insecure: z.boolean().optional(),
    labels: stringMap('label').optional(),
  })
  .transform((p, ctx): ProbeSpec => {
    const intervalMs = p.interval ?? DEFAULT_INTERVAL_MS;
    if (p.timeout !== undefined && p.timeout > intervalMs) {
      issue(
        ctx,
        `timeout ${p.timeout}ms is longer than the interval (${intervalMs}ms); runs would overlap`,
        p.timeout,
        ['timeout'],
      );
    }
    return {
      name: p.name,
      url: p.url,
      method: p.method ?? 'GET',
      headers: p.headers ?? {},
      body: p.body,
      expectStatus: p.expectStatus ?? ANY_SUCCESS,
      expectBody: p.expectBody,
      maxLatencyMs: p.maxLatency,
      clock: p.clock,
      intervalMs,
      timeoutMs: p.timeout ?? Math.min(DEFAULT_TIMEOUT_MS, intervalMs),
      maxBodyBytes: p.maxBody ?? 1024 * 1024,
      maxRedirects: p.maxRedirects ?? 5,
      insecure: p.insecure ?? false,
      labels: p.labels ?? {},
    };
  });

/**
 * The `probes:` section: a list of probes with distinct names. The name check runs even when
 * entries have other problems (zod skips refinements then by default), so a duplicate is
 * reported with everything else; it reads the name of entries that failed from their input.
 */
export const probesSection = z.array(probe).superRefine(
  (probes, ctx) => {
    const seen = new Map<string, number>();
    (probes as readonly unknown[]).forEach((entry, i) => {
      const name = (entry as { name?: unknown } | null)?.name;
      if (typeof name !== 'string') return;
      const first = seen.get(name.toLowerCase());
      if (first === undefined) seen.set(name.toLowerCase(), i);
      else
        issue(ctx, `probe name "${name}" is taken by probe ${first + 1}; names must differ`, name, [
          i,
          'name',
        ]);
    });
  },
  { when: (payload) => Array.isArray(payload.value) },
);
