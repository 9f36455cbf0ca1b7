/** What a rule watches. */
export type RuleKind =
  | 'service-flagged'
  | 'instance-unreachable'
  | 'probe-failing'
  | 'clock-skewed'
  | 'scans-stale'
  | 'service-cpu'
  | 'service-memory';

export const RULE_KINDS: readonly RuleKind[] = [
  'service-flagged',
  'instance-unreachable',
  'probe-failing',
  'clock-skewed',
  'scans-stale',
  'service-cpu',
  'service-memory',
];

/** A kind-specific setting of a rule. */
export type RuleParam = 'threshold' | 'minHealthy' | 'intervals';

/** What is known about a kind before any rule of it exists. */
export interface KindSpec {
  /** What an evaluation of it observes: a fleet scan, one probe result, or the passing of time. */
  readonly source: 'scan' | 'probe' | 'time';
  /** Labels each alert of this kind carries besides `alertname`, `severity` and the rule's own. */
  readonly labels: readonly string[];
  /** Fields its templates may use, its labels among them. */
  readonly fields: readonly string[];
  readonly params: readonly RuleParam[];
  readonly summary: string;
}

export const KIND_SPECS: Readonly<Record<RuleKind, KindSpec>> = {
  'service-flagged': {
    source: 'scan',
    labels: ['service'],
    fields: ['service', 'healthy', 'required', 'instances', 'unhealthy', 'unreachable'],
    params: ['minHealthy'],
    summary: '{{service}} has {{healthy}} healthy (of {{instances}}); it needs {{required}}',
  },
  'instance-unreachable': {
    source: 'scan',
    labels: ['instance', 'service'],
    fields: ['instance', 'service', 'error'],
    params: [],
    summary: '{{instance}} ({{service}}) is unreachable: {{error}}',
  },
  'probe-failing': {
    source: 'probe',
    labels: ['probe'],
    fields: ['probe', 'url', 'reason', 'status', 'latency'],
    params: [],
    summary: 'probe {{probe}} ({{url}}) is failing: {{reason}}',
  },
  'clock-skewed': {
    source: 'probe',
    labels: ['probe'],
    fields: ['probe', 'url', 'offset', 'uncertainty', 'reason'],
    params: [],
    summary: 'the clock behind {{probe}} is off by {{offset}} (±{{uncertainty}})',
  },
  'scans-stale': {
    source: 'time',
    labels: [],
    fields: ['age', 'lastScan', 'intervals', 'error'],
    params: ['intervals'],
    summary: 'no successful scan for {{age}} (last {{lastScan}}): {{error}}',
  },
  'service-cpu': {
    source: 'scan',
    labels: ['service'],
    fields: ['service', 'value', 'threshold', 'instances'],
    params: ['threshold'],
    summary: '{{service}} mean cpu is {{value}}%, at or above {{threshold}}%',
  },
  'service-memory': {
    source: 'scan',
    labels: ['service'],
    fields: ['service', 'value', 'threshold', 'instances'],
    params: ['threshold'],
    summary: '{{service}} mean memory is {{value}}%, at or above {{threshold}}%',
  },
};

/** Fields every template may use, whatever the kind. */
export const COMMON_FIELDS: readonly string[] = ['alertname', 'severity'];

/** How a rule fires and resolves; see docs/alerts.md. */
export interface AntiFlap {
  /** Fire when at least this many of the last `of` evaluations failed (and the latest did). */
  readonly failures: number;
  readonly of: number;
  /** Resolve (or end a pending alert) after this many passing evaluations in a row. */
  readonly successes: number;
  /** And only after the condition has been pending this long. */
  readonly forMs: number;
}

/** A built-in rule: on unless switched off, its settings overridable by a rule of the same name. */
export interface BuiltinRule {
  readonly name: string;
  readonly kind: RuleKind;
  readonly severity: string;
  readonly antiFlap: AntiFlap;
}

const QUORUM: AntiFlap = { failures: 2, of: 3, successes: 2, forMs: 0 };
const FLAKY: AntiFlap = { failures: 3, of: 5, successes: 2, forMs: 0 };
const SUSTAINED: AntiFlap = { failures: 1, of: 1, successes: 2, forMs: 300_000 };

export const BUILTIN_RULES: readonly BuiltinRule[] = [
  { name: 'ServiceFlagged', kind: 'service-flagged', severity: 'critical', antiFlap: QUORUM },
  {
    name: 'InstanceUnreachable',
    kind: 'instance-unreachable',
    severity: 'warning',
    antiFlap: FLAKY,
  },
  { name: 'ProbeFailing', kind: 'probe-failing', severity: 'critical', antiFlap: FLAKY },
  { name: 'ClockSkewed', kind: 'clock-skewed', severity: 'warning', antiFlap: FLAKY },
  {
    name: 'ScansStale',
    kind: 'scans-stale',
    severity: 'critical',
    antiFlap: { failures: 1, of: 1, successes: 1, forMs: 0 },
  },
  { name: 'ServiceCpuHigh', kind: 'service-cpu', severity: 'warning', antiFlap: SUSTAINED },
  { name: 'ServiceMemoryHigh', kind: 'service-memory', severity: 'warning', antiFlap: SUSTAINED },
];

/** Anti-flap of a user's rule that sets none. */
export const DEFAULT_ANTI_FLAP: AntiFlap = { failures: 1, of: 1, successes: 1, forMs: 0 };

/** Scans missed before `scans-stale` fires. */
export const DEFAULT_STALE_INTERVALS = 3;

/** The kind of a rule: given, or that of the built-in rule of the same name. */
export function kindOfRule(r: {
  readonly name: string;
  readonly kind?: RuleKind | undefined;
}): RuleKind | undefined {
  return r.kind ?? BUILTIN_RULES.find((b) => b.name === r.name)?.kind;
}
