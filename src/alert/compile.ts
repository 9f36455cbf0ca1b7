import type { Labels } from '../core/alert-types.ts';
import { FleetmonError } from '../core/errors.ts';
import type { HealthRules } from '../core/types.ts';
import type {
  AlertsSection,
  MaintenanceSection,
  ReceiverSection,
  RuleSection,
} from './config-schema.ts';
import { WEEKDAYS } from './maintenance.ts';
import { type Matcher, parseMatchers } from './matchers.ts';
import {
  type AntiFlap,
  BUILTIN_RULES,
  DEFAULT_ANTI_FLAP,
  DEFAULT_STALE_INTERVALS,
  KIND_SPECS,
  kindOfRule,
  type RuleKind,
} from './rule-kinds.ts';
import { parseTemplate, type Template } from './template.ts';

/** One rule, ready to evaluate. */
export interface CompiledRule {
  readonly name: string;
  readonly kind: RuleKind;
  readonly severity: string;
  /** The global labels and the rule's own; the kind's labels are added per alert. */
  readonly labels: Labels;
  /** Only alerts whose kind labels match (an empty list: all). */
  readonly match: readonly Matcher[];
  readonly summary: Template;
  readonly description: Template | undefined;
  readonly annotations: readonly (readonly [string, Template])[];
  readonly antiFlap: AntiFlap;
  /** Percent, for service-cpu and service-memory. */
  readonly threshold: number;
  /** For service-flagged; `undefined`: the --min-healthy in force. */
  readonly minHealthy: number | undefined;
  /** For scans-stale: intervals without a successful scan. */
  readonly intervals: number;
}

interface ReceiverCommon {
  readonly name: string;
  readonly sendResolved: boolean;
  readonly timeoutMs: number;
  /** A notification not delivered by this age is given up. */
  readonly giveUpAfterMs: number;
}

/** Where notifications go, with its secrets resolved. */
export type ReceiverConfig = ReceiverCommon &
  (
    | {
        readonly kind: 'webhook';
        readonly url: string;
        readonly headers: Labels;
        readonly maxAlerts: number;
      }
    | { readonly kind: 'slack'; readonly url: string; readonly channel: string | undefined }
    | {
        readonly kind: 'alertmanager';
        readonly url: string;
        readonly headers: Labels;
        /** Firing alerts are pushed again this often, their endsAt moved on each time. */
        readonly resendMs: number;
      }
    | { readonly kind: 'log' }
  );

/** How a route groups and paces what it sends. */
export interface GroupTiming {
  readonly groupBy: readonly string[];
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
}

/** Alerts matching `matchers` go to `receiver`; the first matching route wins unless `continue`. */
export interface RouteConfig extends GroupTiming {
  readonly matchers: readonly Matcher[];
  readonly receiver: string;
  readonly continue: boolean;
}

/** A weekly window in which matching alerts notify nobody (they are still evaluated). */
export interface MaintenanceWindow {
  readonly name: string;
  readonly matchers: readonly Matcher[];
  /** 0 = Monday … 6 = Sunday. */
  readonly days: ReadonlySet<number>;
  /** Minutes after midnight; an end before the start runs past midnight. */
  readonly startMinute: number;
  readonly endMinute: number;
  readonly timezone: string;
  readonly comment: string;
}

/** Everything alerting runs with. */
export interface AlertConfig {
  readonly enabled: boolean;
  readonly rules: readonly CompiledRule[];
  readonly receivers: readonly ReceiverConfig[];
  readonly routes: readonly RouteConfig[];
  readonly maintenance: readonly MaintenanceWindow[];
  /** The link notifications carry; `undefined`: the dashboard's URL. */
  readonly externalUrl: string | undefined;
}

/** Defaults of grouping (see docs/alerts.md for why wait and interval are 0 here). */
export const DEFAULT_GROUP: GroupTiming = {
  groupBy: ['alertname'],
  groupWaitMs: 0,
  groupIntervalMs: 0,
  repeatIntervalMs: 4 * 3_600_000,
};
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_GIVE_UP_MS = 6 * 3_600_000;
const DEFAULT_RESEND_MS = 60_000;

/** What compiling needs besides the file: the rules in force and the receivers' secrets. */
export interface CompileContext {
  readonly health: HealthRules;
  /** The value of an environment variable a receiver names (`urlEnv`, `bearerTokenEnv`). */
  readonly secret: (name: string) => string | undefined;
}

/** Turns the checked config sections into what alerting runs with; absent sections: defaults. */
export function compileAlertConfig(
  section: AlertsSection | undefined,
  maintenance: MaintenanceSection | undefined,
  ctx: CompileContext,
): AlertConfig {
  const s = section ?? {};
  const globalLabels = s.labels ?? {};
  const receivers = (s.receivers ?? []).map((r) => compileReceiver(r, ctx));
  const timing: GroupTiming = {
    groupBy: s.group?.by ?? DEFAULT_GROUP.groupBy,
    groupWaitMs: s.group?.wait ?? DEFAULT_GROUP.groupWaitMs,
    groupIntervalMs: s.group?.interval ?? DEFAULT_GROUP.groupIntervalMs,
    repeatIntervalMs: s.group?.repeat ?? DEFAULT_GROUP.repeatIntervalMs,
  };
  const routes: RouteConfig[] =
    s.routes === undefined
      ? receivers.map((r) => ({ ...timing, matchers: [], receiver: r.name, continue: true }))
      : s.routes.map((r) => ({
          matchers: matchersOf(r.match),
          receiver: r.receiver,
          continue: r.continue ?? false,
          groupBy: r.groupBy ?? timing.groupBy,
          groupWaitMs: r.groupWait ?? timing.groupWaitMs,
          groupIntervalMs: r.groupInterval ?? timing.groupIntervalMs,
          repeatIntervalMs: r.repeatInterval ?? timing.repeatIntervalMs,
        }));
  return {
    enabled: s.enabled ?? true,
    rules: compileRules(s.rules ?? [], s.builtins ?? true, globalLabels, ctx.health),
    receivers,
    routes,
    maintenance: (maintenance ?? []).map((w) => ({
      name: w.name,
      matchers: matchersOf(w.match),
      days: new Set((w.days ?? WEEKDAYS).map((d) => WEEKDAYS.indexOf(d))),
      startMinute: w.start,
      endMinute: w.end,
      timezone: w.timezone ?? 'UTC',
      comment: w.comment ?? '',
    })),
    externalUrl: s.externalUrl,
  };
}

/** The built-in rules (each overridable by name) followed by the user's own. */
function compileRules(
  rules: readonly RuleSection[],
  builtins: boolean,
  globalLabels: Labels,
  health: HealthRules,
): CompiledRule[] {
  const byName = new Map(rules.map((r) => [r.name, r]));
  const chosen: {
    section: RuleSection | undefined;
    base: (typeof BUILTIN_RULES)[number] | undefined;
  }[] = [];
  for (const base of BUILTIN_RULES) {
    const section = byName.get(base.name);
    if (builtins || section !== undefined) chosen.push({ section, base });
  }
  for (const r of rules) {
    if (!BUILTIN_RULES.some((b) => b.name === r.name)) chosen.push({ section: r, base: undefined });
  }
  const compiled: CompiledRule[] = [];
  for (const { section, base } of chosen) {
    if (section?.enabled === false) continue;
    const name = base?.name ?? section?.name ?? '';
    const kind = base?.kind ?? (section === undefined ? undefined : kindOfRule(section));
    if (kind === undefined) continue; // refused by the schema already
    const spec = KIND_SPECS[kind];
    const flap = base?.antiFlap ?? DEFAULT_ANTI_FLAP;
    const of = section?.of ?? Math.max(flap.of, section?.failures ?? 0);
    compiled.push({
      name,
      kind,
      severity: section?.severity ?? base?.severity ?? 'warning',
      labels: { ...globalLabels, ...section?.labels },
      match: matchersOf(section?.match),
      summary: templateOf(section?.summary ?? spec.summary),
      description: section?.description === undefined ? undefined : templateOf(section.description),
      annotations: Object.entries(section?.annotations ?? {}).map(
        ([key, text]) => [key, templateOf(text)] as const,
      ),
      antiFlap: {
        failures: Math.min(section?.failures ?? flap.failures, of),
        of,
        successes: section?.successes ?? flap.successes,
        forMs: section?.for ?? flap.forMs,
      },
      threshold:
        section?.threshold ?? (kind === 'service-memory' ? health.maxMemory : health.maxCpu),
      minHealthy: section?.minHealthy,
      intervals: section?.intervals ?? DEFAULT_STALE_INTERVALS,
    });
  }
  return compiled;
}

function compileReceiver(r: ReceiverSection, ctx: CompileContext): ReceiverConfig {
  const common: ReceiverCommon = {
    name: r.name,
    sendResolved: r.sendResolved ?? true,
    timeoutMs: r.timeout ?? DEFAULT_TIMEOUT_MS,
    giveUpAfterMs: r.giveUpAfter ?? DEFAULT_GIVE_UP_MS,
  };
  const secret = (name: string, what: string): string => {
    const value = ctx.secret(name);
    if (value === undefined || value.trim() === '') {
      throw new FleetmonError(
        'config',
        `receiver "${r.name}": environment variable ${name} (its ${what}) is not set`,
        `export ${name}=… before starting fleetmon, or put the ${what} in the config file`,
      );
    }
    return value.trim();
  };
  const urlOf = (t: { url?: string | undefined; urlEnv?: string | undefined }): string => {
    const url = t.url ?? secret(t.urlEnv ?? '', 'URL');
    if (!/^https?:\/\//i.test(url)) {
      throw new FleetmonError(
        'config',
        `receiver "${r.name}": ${t.urlEnv ?? 'url'} is not an http:// or https:// URL`,
      );
    }
    return url;
  };
  const bearer = (name: string | undefined): Labels =>
    name === undefined ? {} : { Authorization: `Bearer ${secret(name, 'bearer token')}` };
  if (r.webhook !== undefined) {
    return {
      ...common,
      kind: 'webhook',
      url: urlOf(r.webhook),
      headers: { ...r.webhook.headers, ...bearer(r.webhook.bearerTokenEnv) },
      maxAlerts: r.webhook.maxAlerts ?? 0,
    };
  }
  if (r.slack !== undefined) {
    return { ...common, kind: 'slack', url: urlOf(r.slack), channel: r.slack.channel };
  }
  if (r.alertmanager !== undefined) {
    return {
      ...common,
      kind: 'alertmanager',
      url: urlOf(r.alertmanager),
      headers: bearer(r.alertmanager.bearerTokenEnv),
      resendMs: r.alertmanager.resend ?? DEFAULT_RESEND_MS,
    };
  }
  return { ...common, kind: 'log' };
}

function matchersOf(texts: readonly string[] | undefined): Matcher[] {
  const parsed = parseMatchers(texts ?? []);
  if (typeof parsed === 'string') throw new FleetmonError('config', parsed);
  return parsed;
}

function templateOf(text: string): Template {
  const parsed = parseTemplate(text);
  if (typeof parsed === 'string') throw new FleetmonError('config', parsed);
  return parsed;
}
