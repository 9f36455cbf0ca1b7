import type { AlertState, Labels } from '../core/alert-types.ts';
import type { ProbeResult } from '../core/probe-types.ts';
import type { Alert, StoredAlert, Transition } from './alert.ts';
import { EMPTY_WINDOW, type FlapWindow, failuresIn, isFlapping, record } from './anti-flap.ts';
import type { CompiledRule } from './compile.ts';
import {
  type Candidate,
  probeVerdict,
  type ScanHealth,
  type ScanObservation,
  scanVerdict,
  staleVerdict,
} from './conditions.ts';
import { fingerprintOf } from './fingerprint.ts';
import { matchesAll } from './matchers.ts';
import { KIND_SPECS } from './rule-kinds.ts';
import { renderTemplate, type TemplateValues } from './template.ts';

/** Resolved alerts stay listed (and in the anti-flap window) this long. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

type TrackState = AlertState | 'inactive';

/** One condition of one rule, followed from evaluation to evaluation. */
interface Tracker {
  readonly rule: CompiledRule;
  readonly key: string;
  readonly labels: Labels;
  readonly fingerprint: string;
  annotations: Labels;
  /** What the annotations were rendered from: unchanged values need no rendering. */
  values: TemplateValues | undefined;
  state: TrackState;
  window: FlapWindow;
  okStreak: number;
  activeAt: number;
  startsAt: number | null;
  endsAt: number | null;
  flapping: boolean;
}

/**
 * Turns observations (scans, probe results, the passing of time) into alerts: per rule and
 * condition an anti-flap window and the states pending → firing → resolved. Pure: times are
 * passed in, nothing is sent or stored here; the changes are returned.
 */
export class AlertEvaluator {
  readonly #rules: readonly CompiledRule[];
  /** Rule name → condition key → tracker. */
  readonly #trackers = new Map<string, Map<string, Tracker>>();
  /** The scan before the latest: where a newly unreachable instance last said its service. */
  #previous: ScanObservation | undefined;
  /** IP → service in `#previous`, built only when a new unreachable instance needs it. */
  #previousServices: Map<string, string> | undefined;

  constructor(rules: readonly CompiledRule[]) {
    this.#rules = rules;
    for (const rule of rules) this.#trackers.set(rule.name, new Map());
  }

  /** The rules in force. */
  get rules(): readonly CompiledRule[] {
    return this.#rules;
  }

  /**
   * Takes back alerts kept from before a restart. An alert whose rule is gone, or whose labels
   * the config now makes different, cannot continue: if it was firing it is returned resolved,
   * so its resolve notice goes out; it will fire anew under its new labels if still failing.
   */
  restore(stored: readonly StoredAlert[], now: number): Transition[] {
    const transitions: Transition[] = [];
    for (const s of stored) {
      const rule = this.#rules.find((r) => r.name === s.rule);
      const trackers = this.#trackers.get(s.rule);
      const labels = rule === undefined ? undefined : labelsOf(rule, kindLabels(rule, s.labels));
      if (
        rule === undefined ||
        trackers === undefined ||
        labels === undefined ||
        fingerprintOf(labels) !== s.fingerprint
      ) {
        if (s.state === 'firing') {
          transitions.push({
            alert: { ...s, state: 'resolved', endsAt: now },
            from: 'firing',
            to: 'resolved',
          });
        }
        continue;
      }
      trackers.set(s.key, {
        rule,
        key: s.key,
        labels: s.labels,
        fingerprint: s.fingerprint,
        annotations: s.annotations,
        values: undefined,
        state: s.state,
        window: s.window,
        okStreak: s.okStreak,
        activeAt: s.activeAt,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        flapping: s.flapping,
      });
    }
    return transitions;
  }

  /** One evaluation of every scan rule over a completed scan. */
  observeScan(scan: ScanObservation, now: number): Transition[] {
    const transitions: Transition[] = [];
    for (const rule of this.#rules) {
      if (KIND_SPECS[rule.kind].source !== 'scan') continue;
      const { failing, skipped } = scanVerdict(rule, scan);
      this.#observeRule(rule, failing, skipped, now, transitions);
    }
    this.#previous = scan;
    this.#previousServices = undefined;
    return transitions;
  }

  /** One evaluation of every probe rule over one probe result (other probes are not evaluated). */
  observeProbe(result: ProbeResult, now: number): Transition[] {
    const transitions: Transition[] = [];
    for (const rule of this.#rules) {
      if (KIND_SPECS[rule.kind].source !== 'probe') continue;
      const verdict = probeVerdict(rule, result);
      if (verdict === 'skip') continue;
      const trackers = this.#trackers.get(rule.name);
      if (verdict === 'pass') {
        const tracker = trackers?.get(result.probe);
        if (tracker !== undefined) this.#step(tracker, false, undefined, now, transitions);
        this.#prune(rule, now);
      } else {
        this.#fail(rule, verdict.failing, now, transitions);
      }
    }
    return transitions;
  }

  /** One evaluation of the time rules (`scans-stale`); run after every scan and on a timer. */
  observeTime(health: ScanHealth, now: number): Transition[] {
    const transitions: Transition[] = [];
    for (const rule of this.#rules) {
      if (KIND_SPECS[rule.kind].source !== 'time') continue;
      const candidate = staleVerdict(rule, health, now);
      this.#observeRule(
        rule,
        candidate === undefined ? [] : [candidate],
        undefined,
        now,
        transitions,
      );
    }
    return transitions;
  }

  /** Pending, firing and recently resolved alerts. */
  *alerts(): Generator<Alert> {
    for (const trackers of this.#trackers.values()) {
      for (const tracker of trackers.values()) {
        if (tracker.state !== 'inactive') yield snapshot(tracker);
      }
    }
  }

  /** How many alerts are pending and firing. */
  counts(): { pending: number; firing: number } {
    let pending = 0;
    let firing = 0;
    for (const trackers of this.#trackers.values()) {
      for (const t of trackers.values()) {
        if (t.state === 'pending') pending++;
        else if (t.state === 'firing') firing++;
      }
    }
    return { pending, firing };
  }

  /** What the store keeps of one alert (see StoredAlert). */
  stored(alert: Alert): StoredAlert | undefined {
    const t = this.#trackers.get(alert.rule)?.get(alert.key);
    return t === undefined ? undefined : { ...snapshot(t), window: t.window, okStreak: t.okStreak };
  }

  #observeRule(
    rule: CompiledRule,
    failing: readonly Candidate[],
    skipped: ReadonlySet<string> | undefined,
    now: number,
    transitions: Transition[],
  ): void {
    const trackers = this.#trackers.get(rule.name);
    if (trackers === undefined) return;
    const seen = new Set<string>();
    for (const candidate of failing) {
      if (this.#fail(rule, candidate, now, transitions)) seen.add(candidate.key);
    }
    for (const tracker of trackers.values()) {
      if (seen.has(tracker.key) || skipped?.has(tracker.key)) continue;
      this.#step(tracker, false, undefined, now, transitions);
    }
    this.#prune(rule, now);
  }

  /** Records a failing evaluation; false when the rule's `match` leaves the candidate out. */
  #fail(rule: CompiledRule, candidate: Candidate, now: number, transitions: Transition[]): boolean {
    const trackers = this.#trackers.get(rule.name);
    if (trackers === undefined) return false;
    let tracker = trackers.get(candidate.key);
    if (tracker === undefined) {
      const labels = labelsOf(rule, this.#withService(rule, candidate.labels));
      if (!matchesAll(rule.match, labels)) return false;
      tracker = {
        rule,
        key: candidate.key,
        labels,
        fingerprint: fingerprintOf(labels),
        annotations: {},
        values: undefined,
        state: 'inactive',
        window: EMPTY_WINDOW,
        okStreak: 0,
        activeAt: now,
        startsAt: null,
        endsAt: null,
        flapping: false,
      };
      trackers.set(candidate.key, tracker);
    }
    this.#step(tracker, true, candidate.values, now, transitions);
    return true;
  }

  /** One evaluation of one condition: the anti-flap window, then the state machine. */
  #step(
    t: Tracker,
    failing: boolean,
    values: TemplateValues | undefined,
    now: number,
    transitions: Transition[],
  ): void {
    const { failures, of, successes, forMs } = t.rule.antiFlap;
    t.window = record(t.window, failing, of);
    t.okStreak = failing ? 0 : t.okStreak + 1;
    t.flapping = isFlapping(t.window, of);
    let annotated = false;
    if (values !== undefined && (t.values === undefined || !sameValues(values, t.values))) {
      t.values = values;
      const annotations = annotate(t.rule, t.labels, values);
      annotated = !sameValues(annotations, t.annotations);
      if (annotated) t.annotations = annotations;
    }
    const from = t.state;
    if (failing && (from === 'inactive' || from === 'resolved')) {
      t.state = 'pending';
      t.activeAt = now;
      t.startsAt = null;
      t.endsAt = null;
    } else if (!failing && t.okStreak >= successes) {
      if (from === 'pending') t.state = 'inactive';
      if (from === 'firing') {
        t.state = 'resolved';
        t.endsAt = now;
      }
    }
    if (
      t.state === 'pending' &&
      failing &&
      !t.flapping &&
      failuresIn(t.window) >= failures &&
      now - t.activeAt >= forMs
    ) {
      t.state = 'firing';
      t.startsAt = now;
    }
    if (t.state !== from || (annotated && t.state === 'firing')) {
      transitions.push({ alert: snapshot(t), from, to: t.state });
    }
  }

  /** Forgets what no longer matters: quiet conditions, and resolved alerts past retention. */
  #prune(rule: CompiledRule, now: number): void {
    const trackers = this.#trackers.get(rule.name);
    if (trackers === undefined) return;
    for (const [key, t] of trackers) {
      if (t.state === 'resolved' && now - (t.endsAt ?? now) >= RESOLVED_RETENTION_MS) {
        t.state = 'inactive';
      }
      if (t.state === 'inactive' && t.window.bits === 0) trackers.delete(key);
    }
  }

  /**
   * An unreachable instance's labels with the service it answered for in the scan before, when
   * it does not say now. Only new alerts ask, so the lookup map is built at most once a scan,
   * and not at all while the same instances stay down.
   */
  #withService(rule: CompiledRule, labels: Labels): Labels {
    const ip = labels.instance;
    if (rule.kind !== 'instance-unreachable' || labels.service !== undefined || ip === undefined) {
      return labels;
    }
    if (this.#previousServices === undefined) {
      this.#previousServices = new Map();
      for (const row of this.#previous?.instances ?? []) {
        if (row.service !== null) this.#previousServices.set(row.ip, row.service);
      }
    }
    const service = this.#previousServices.get(ip);
    return service === undefined ? labels : { ...labels, service };
  }
}

/**
 * An alert's labels: the rule's, the kind's, then `alertname` and `severity`, which win. In the
 * order people read them (alertname first, the rest by name); the fingerprint ignores order.
 */
function labelsOf(rule: CompiledRule, kind: Labels): Labels {
  const all: Record<string, string> = { ...rule.labels, ...kind, severity: rule.severity };
  const labels: Record<string, string> = { alertname: rule.name };
  for (const name of Object.keys(all).sort()) labels[name] = all[name] ?? '';
  return labels;
}

/** The kind's labels out of a full label set. */
function kindLabels(rule: CompiledRule, labels: Labels): Labels {
  const kind: Record<string, string> = {};
  for (const name of KIND_SPECS[rule.kind].labels) {
    const value = labels[name];
    if (value !== undefined) kind[name] = value;
  }
  return kind;
}

function annotate(rule: CompiledRule, labels: Labels, values: TemplateValues): Labels {
  // Labels win: they are the alert's identity (an unreachable instance's service among them).
  const all = { ...values, ...labels };
  const annotations: Record<string, string> = { summary: renderTemplate(rule.summary, all) };
  if (rule.description !== undefined) {
    annotations.description = renderTemplate(rule.description, all);
  }
  for (const [name, template] of rule.annotations)
    annotations[name] = renderTemplate(template, all);
  return annotations;
}

function sameValues(a: TemplateValues, b: TemplateValues): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

function snapshot(t: Tracker): Alert {
  return {
    fingerprint: t.fingerprint,
    rule: t.rule.name,
    key: t.key,
    labels: t.labels,
    annotations: t.annotations,
    state: t.state === 'inactive' ? 'resolved' : t.state,
    activeAt: t.activeAt,
    startsAt: t.startsAt,
    endsAt: t.endsAt,
    flapping: t.flapping,
  };
}
