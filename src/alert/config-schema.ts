// The `alerts:` and `maintenance:` sections of fleetmon.yaml, checked completely when the file is
// read (so `fleetmon config check` finds a template's unknown field with its line and column).
// Durations become milliseconds here; matchers and templates are compiled by compile.ts.
import { z } from 'zod';
import { parseDuration } from '../core/duration.ts';
import { WEEKDAYS } from './maintenance.ts';
import { LABEL_NAME, parseMatcher } from './matchers.ts';
import {
  BUILTIN_RULES,
  COMMON_FIELDS,
  KIND_SPECS,
  kindOfRule,
  RULE_KINDS,
  type RuleKind,
  type RuleParam,
} from './rule-kinds.ts';
import { parseTemplate, unknownFields } from './template.ts';

/** `30s`, `5m`, `4h`, `1d`, or a number of seconds; becomes milliseconds. */
const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(String(value));
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 30s, 5m, 4h or 1d' });
    return z.NEVER;
  }
  return ms;
});

const LABEL_NAME_RULE = 'a label name is letters, digits and _, not starting with a digit';
const labelName = z.string().regex(LABEL_NAME, LABEL_NAME_RULE);

/** A map keyed by label names; a bad key is named as such, not as "Invalid key in record". */
function byLabelName<T extends z.ZodType>(value: T) {
  return z.record(labelName, value, {
    error: (issue) => (issue.code === 'invalid_key' ? LABEL_NAME_RULE : undefined),
  });
}

const matchers = z.array(z.string()).superRefine((texts, ctx) => {
  texts.forEach((text, i) => {
    const parsed = parseMatcher(text);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed, path: [i] });
  });
});

const labels = byLabelName(z.string().max(1024));
const template = z.string().max(4096);

const httpUrl = z.string().refine((text) => {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'expected an http:// or https:// URL');

/** The name of an environment variable that holds a secret (a URL or a token). */
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');

const rule = z.strictObject({
  name: z.string().regex(LABEL_NAME, 'a rule name is letters, digits and _ (it is the alertname)'),
  kind: z.enum(RULE_KINDS as [RuleKind, ...RuleKind[]]).optional(),
  enabled: z.boolean().optional(),
  severity: z.string().min(1).max(64).optional(),
  labels: labels.optional(),
  match: matchers.optional(),
  summary: template.optional(),
  description: template.optional(),
  annotations: byLabelName(template).optional(),
  failures: z.int().min(1).max(30).optional(),
  of: z.int().min(1).max(30).optional(),
  successes: z.int().min(1).max(30).optional(),
  for: duration.optional(),
  threshold: z.number().min(0).max(100).optional(),
  minHealthy: z.int().min(0).max(1_000_000).optional(),
  intervals: z.int().min(1).max(1000).optional(),
});

const target = { url: httpUrl.optional(), urlEnv: envName.optional() };

const receiver = z.strictObject({
  name: z.string().min(1).max(100),
  webhook: z
    .strictObject({
      ...target,
      bearerTokenEnv: envName.optional(),
      headers: z
        .record(
          z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name is letters, digits and -'),
          z
            .string()
            .max(4096)
            .regex(/^[^\r\n\0]*$/, 'a header value is one line'),
        )
        .optional(),
      maxAlerts: z.int().min(0).max(10_000).optional(),
    })
    .optional(),
  slack: z.strictObject({ ...target, channel: z.string().max(100).optional() }).optional(),
  alertmanager: z
    .strictObject({ ...target, bearerTokenEnv: envName.optional(), resend: duration.optional() })
    .optional(),
  log: z.strictObject({}).optional(),
  sendResolved: z.boolean().optional(),
  timeout: duration.optional(),
  giveUpAfter: duration.optional(),
});

const route = z.strictObject({
  match: matchers.optional(),
  receiver: z.string(),
  continue: z.boolean().optional(),
  groupBy: z.array(labelName).optional(),
  groupWait: duration.optional(),
  groupInterval: duration.optional(),
  repeatInterval: duration.optional(),
});

const group = z.strictObject({
  by: z.array(labelName).optional(),
  wait: duration.optional(),
  interval: duration.optional(),
  repeat: duration.optional(),
});

const RECEIVER_KINDS = ['webhook', 'slack', 'alertmanager', 'log'] as const;

/** `alerts:` in fleetmon.yaml. */
export const alertsSection = z
  .strictObject({
    /** `false`: nothing is evaluated or sent. */
    enabled: z.boolean().optional(),
    /** `false`: only the rules listed here (built-in ones included by name) are used. */
    builtins: z.boolean().optional(),
    /** Added to every alert (like Prometheus' external labels). */
    labels: labels.optional(),
    /** The link in notifications; default: the dashboard's URL. */
    externalUrl: httpUrl.optional(),
    rules: z.array(rule).optional(),
    receivers: z.array(receiver).optional(),
    routes: z.array(route).optional(),
    group: group.optional(),
  })
  .superRefine((section, ctx) => {
    checkRules(section.rules ?? [], Object.keys(section.labels ?? {}), ctx);
    checkReceivers(section.receivers ?? [], ctx);
    const names = new Set((section.receivers ?? []).map((r) => r.name));
    (section.routes ?? []).forEach((r, i) => {
      if (!names.has(r.receiver)) {
        ctx.addIssue({
          code: 'custom',
          path: ['routes', i, 'receiver'],
          message: `no receiver named "${r.receiver}"; receivers: ${[...names].join(', ') || 'none'}`,
        });
      }
    });
  });

type RuleInput = z.infer<typeof rule>;
type Ctx = z.RefinementCtx;

function checkRules(rules: readonly RuleInput[], globalLabels: readonly string[], ctx: Ctx): void {
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    const at = (key: string) => ['rules', i, key];
    if (seen.has(r.name)) {
      ctx.addIssue({ code: 'custom', path: at('name'), message: `rule "${r.name}" twice` });
    }
    seen.add(r.name);
    const kind = kindOfRule(r);
    if (kind === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['rules', i],
        message: `rule "${r.name}" needs a kind (one of ${RULE_KINDS.join(', ')}), or the name of a built-in rule (${BUILTIN_RULES.map((b) => b.name).join(', ')})`,
      });
      return;
    }
    const builtin = BUILTIN_RULES.find((b) => b.name === r.name);
    if (builtin !== undefined && r.kind !== undefined && r.kind !== builtin.kind) {
      ctx.addIssue({
        code: 'custom',
        path: at('kind'),
        message: `"${r.name}" is the built-in ${builtin.kind} rule; give your ${r.kind} rule another name`,
      });
    }
    const spec = KIND_SPECS[kind];
    for (const param of ['threshold', 'minHealthy', 'intervals'] as const satisfies RuleParam[]) {
      if (r[param] !== undefined && !spec.params.includes(param)) {
        ctx.addIssue({
          code: 'custom',
          path: at(param),
          message: `${param} does not apply to ${kind} rules${spec.params.length > 0 ? ` (they take ${spec.params.join(', ')})` : ''}`,
        });
      }
    }
    if (r.failures !== undefined && r.of !== undefined && r.failures > r.of) {
      ctx.addIssue({
        code: 'custom',
        path: at('failures'),
        message: `failures (${r.failures}) cannot exceed of (${r.of})`,
      });
    }
    for (const reserved of ['alertname', 'severity']) {
      if (r.labels?.[reserved] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'labels', reserved],
          message: `${reserved} is set by the rule itself (${reserved === 'alertname' ? 'its name' : 'severity:'})`,
        });
      }
    }
    const known = new Set([
      ...COMMON_FIELDS,
      ...spec.fields,
      ...globalLabels,
      ...Object.keys(r.labels ?? {}),
    ]);
    const templates: [(string | number)[], string | undefined][] = [
      [at('summary'), r.summary],
      [at('description'), r.description],
      ...Object.entries(r.annotations ?? {}).map(([name, text]): [(string | number)[], string] => [
        ['rules', i, 'annotations', name],
        text,
      ]),
    ];
    for (const [path, text] of templates) {
      if (text === undefined) continue;
      const parsed = parseTemplate(text);
      const problem =
        typeof parsed === 'string'
          ? parsed
          : unknownFields(parsed, known)
              .map(
                (f) =>
                  `unknown field {{${f}}} for ${kind} rules; fields: ${[...known].sort().join(', ')}`,
              )
              .join('; ');
      if (problem !== '') ctx.addIssue({ code: 'custom', path, message: problem });
    }
  });
}

function checkReceivers(receivers: readonly z.infer<typeof receiver>[], ctx: Ctx): void {
  const seen = new Set<string>();
  receivers.forEach((r, i) => {
    if (seen.has(r.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['receivers', i, 'name'],
        message: `"${r.name}" twice`,
      });
    }
    seen.add(r.name);
    const kinds = RECEIVER_KINDS.filter((k) => r[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['receivers', i],
        message: `receiver "${r.name}" needs exactly one of ${RECEIVER_KINDS.join(', ')}${kinds.length > 1 ? ` (it has ${kinds.join(', ')})` : ''}`,
      });
      return;
    }
    const kind = kinds[0];
    if (kind === 'log' || kind === undefined) return;
    const settings = r[kind] as { url?: string; urlEnv?: string };
    if ((settings.url === undefined) === (settings.urlEnv === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['receivers', i, kind],
        message: `${kind} needs url, or urlEnv naming the environment variable that holds it (not both)`,
      });
    }
  });
}

/** `HH:MM` on a 24-hour clock; `24:00` ends a window at midnight. */
const timeOfDay = z.string().transform((text, ctx) => {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  const minutes = match === null ? Number.NaN : Number(match[1]) * 60 + Number(match[2]);
  if (!(minutes <= 24 * 60)) {
    ctx.addIssue({ code: 'custom', message: 'expected a time of day HH:MM, e.g. 02:00 or 23:30' });
    return z.NEVER;
  }
  return minutes;
});

const timezone = z.string().refine((name) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone such as UTC or Europe/Berlin');

/** `maintenance:` in fleetmon.yaml: weekly windows in which matching alerts notify nobody. */
export const maintenanceSection = z.array(
  z
    .strictObject({
      name: z.string().min(1).max(100),
      match: matchers.optional(),
      days: z.array(z.enum(WEEKDAYS)).optional(),
      start: timeOfDay,
      end: timeOfDay,
      timezone: timezone.optional(),
      comment: z.string().max(1000).optional(),
    })
    .refine((w) => w.start !== w.end, {
      message: 'start and end are the same time; a window needs a length',
      path: ['end'],
    }),
);

export type AlertsSection = z.infer<typeof alertsSection>;
export type MaintenanceSection = z.infer<typeof maintenanceSection>;
export type RuleSection = z.infer<typeof rule>;
export type ReceiverSection = z.infer<typeof receiver>;
