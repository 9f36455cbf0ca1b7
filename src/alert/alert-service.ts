import type {
  AlertRow,
  AlertState,
  Labels,
  SilenceRow,
  SilenceState,
} from '../core/alert-types.ts';
import type { ProbeResult } from '../core/probe-types.ts';
import type { Clock, Timer } from '../time/clock.ts';
import {
  type Alert,
  alertRow,
  type Muting,
  NOT_MUTED,
  type StoredAlert,
  type Transition,
} from './alert.ts';
import type { AlertConfig } from './compile.ts';
import type { ScanHealth, ScanObservation } from './conditions.ts';
import { Deliverer } from './deliverer.ts';
import { Dispatcher } from './dispatcher.ts';
import { AlertEvaluator } from './evaluator.ts';
import { maintenanceFor } from './maintenance.ts';
import { matchesAll, parseMatchers } from './matchers.ts';
import { type AlertMetrics, createAlertMetrics } from './metrics.ts';
import type { NotifierRole } from './notifier-role.ts';
import type { Receiver } from './receivers.ts';
import { SilenceBook } from './silence-book.ts';
import { type SilenceRequest, silenceRow } from './silences.ts';
import type { AlertStore } from './store.ts';

/** The service sleeps at most this long between looks at its groups, outbox and silences. */
const MAX_SLEEP_MS = 5_000;

/** What `serve`'s API and dashboard ask of alerting. */
export interface AlertsApi {
  /** Alerts in the given states (default: firing and pending), firing first. */
  list(states?: readonly AlertState[]): AlertRow[];
  /** Silences in the given states (default: active and pending). */
  silences(states?: readonly SilenceState[]): SilenceRow[];
  /** Adds a silence; a string says what is wrong with the request. */
  addSilence(
    request: SilenceRequest,
  ): Promise<{ silence: SilenceRow; warnings: string[] } | string>;
  /** Ends a silence now. */
  expireSilence(id: string): Promise<SilenceRow | 'unknown' | 'expired'>;
}

export interface AlertServiceOptions {
  readonly config: AlertConfig;
  readonly store: AlertStore;
  readonly role: NotifierRole;
  readonly receivers: ReadonlyMap<string, Receiver>;
  readonly clock: Clock;
  /** Time between scans: `scans-stale` counts in these. */
  readonly intervalMs: number;
  readonly log: (line: string) => void;
  readonly random?: () => number;
  readonly newId?: () => string;
}

/**
 * Alerting while `serve` runs: evaluates every scan and probe result as it comes (synchronously,
 * so the API is current when the scan is published), and in the background stores state,
 * groups, and delivers through the outbox when it holds the notifier role.
 */
export class AlertService implements AlertsApi {
  readonly metrics: AlertMetrics;
  readonly #o: AlertServiceOptions;
  readonly #evaluator: AlertEvaluator;
  #dispatcher: Dispatcher;
  readonly #deliverer: Deliverer;
  readonly #silences: SilenceBook;
  #chain: Promise<void> = Promise.resolve();
  #timer: Timer | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #holder = false;
  #stepQueued = false;
  /** The outbox's size per receiver at the last step, for `fleetmon_notifications_queued`. */
  #queued: ReadonlyMap<string, number> = new Map();
  #stopped = false;
  readonly #health: {
    lastSuccessAt: number | undefined;
    lastError: string | undefined;
    startedAt: number;
  };
  #nextTimeCheck: number;
  /** Firing alerts from before a restart that cannot continue: their resolve notices are due. */
  #pendingResolves: Alert[] = [];
  /** Set while the store fails, so an outage is logged once. */
  #storeDown = false;

  private constructor(options: AlertServiceOptions) {
    this.#o = options;
    const now = options.clock.wallNow();
    this.#health = { lastSuccessAt: undefined, lastError: undefined, startedAt: now };
    this.#nextTimeCheck = now + options.intervalMs;
    this.#evaluator = new AlertEvaluator(options.config.enabled ? options.config.rules : []);
    this.#dispatcher = this.#newDispatcher();
    this.#silences = new SilenceBook(
      options.store,
      () => {
        this.#dispatcher.recheck();
        this.#wake(this.#o.clock.wallNow());
      },
      options.newId,
    );
    this.metrics = createAlertMetrics([...options.receivers.keys()], {
      alertCounts: () => this.#alertCounts(),
      silenceCounts: () => this.#silences.counts(options.clock.wallNow()),
      queued: () => this.#queued,
    });
    const giveUp = new Map(options.config.receivers.map((r) => [r.name, r.giveUpAfterMs]));
    this.#deliverer = new Deliverer({
      outbox: options.store,
      receivers: options.receivers,
      giveUpAfterMs: (name) => giveUp.get(name) ?? 0,
      now: () => options.clock.wallNow(),
      random: options.random ?? Math.random,
      record: (receiver, result) => this.metrics.recordDelivery(receiver, result),
      log: options.log,
      settled: () => this.#wake(this.#o.clock.wallNow()),
    });
  }

  /**
   * Loads silences and the state kept from before a restart, and starts working. A store that
   * cannot be read is no reason not to evaluate: the notification log, read when the role is
   * taken, still keeps receivers from being paged twice.
   */
  static async open(options: AlertServiceOptions): Promise<AlertService> {
    const service = new AlertService(options);
    await service.#storeWork(async () => {
      await service.#silences.load();
      const stored = await options.store.loadAlerts();
      const gone = service.#evaluator.restore(stored, options.clock.wallNow());
      service.#pendingResolves = gone.map((t) => t.alert);
    });
    service.#wake(options.clock.wallNow());
    return service;
  }

  /** One evaluation over a completed scan. */
  observeScan(scan: ScanObservation): void {
    this.#guarded(() => {
      const started = this.#o.clock.now();
      const now = this.#o.clock.wallNow();
      this.#health.lastSuccessAt = now;
      this.#health.lastError = undefined;
      const transitions = this.#evaluator.observeScan(scan, now);
      transitions.push(...this.#evaluator.observeTime(this.#scanHealth(), now));
      this.metrics.observeEvaluation((this.#o.clock.now() - started) / 1000);
      return transitions;
    });
  }

  /** A scan that failed: `scans-stale` counts from the last one that did not. */
  observeScanFailure(message: string): void {
    this.#guarded(() => {
      this.#health.lastError = message;
      return this.#evaluator.observeTime(this.#scanHealth(), this.#o.clock.wallNow());
    });
  }

  /** One probe result (the probe runner calls this after each run). */
  observeProbe(result: ProbeResult): void {
    this.#guarded(() => this.#evaluator.observeProbe(result, this.#o.clock.wallNow()));
  }

  /** Runs an evaluation; a fault in alerting is logged and never reaches the scan loop. */
  #guarded(evaluate: () => Transition[]): void {
    try {
      this.#after(evaluate());
    } catch (err) {
      this.#o.log(`alerting: internal error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  list(states: readonly AlertState[] = ['firing', 'pending']): AlertRow[] {
    const now = this.#o.clock.wallNow();
    const order: Record<AlertState, number> = { firing: 0, pending: 1, resolved: 2 };
    return [...this.#evaluator.alerts()]
      .filter((a) => states.includes(a.state))
      .sort(
        (a, b) =>
          order[a.state] - order[b.state] ||
          a.rule.localeCompare(b.rule) ||
          a.key.localeCompare(b.key, 'en', { numeric: true }),
      )
      .map((a) => alertRow(a, this.#muting(a.labels, now)));
  }

  silences(states: readonly SilenceState[] = ['active', 'pending']): SilenceRow[] {
    return this.#silences.rows(states, this.#o.clock.wallNow());
  }

  async addSilence(
    request: SilenceRequest,
  ): Promise<{ silence: SilenceRow; warnings: string[] } | string> {
    const now = this.#o.clock.wallNow();
    const silence = await this.#silences.add(request, now);
    if (typeof silence === 'string') return silence;
    const matchers = parseMatchers(silence.matchers);
    const matching =
      typeof matchers === 'string'
        ? 0
        : [...this.#evaluator.alerts()].filter(
            (a) => a.state !== 'resolved' && matchesAll(matchers, a.labels),
          ).length;
    const warnings =
      matching === 0 ? ['the silence matches no pending or firing alert right now'] : [];
    return { silence: silenceRow(silence, now), warnings };
  }

  async expireSilence(id: string): Promise<SilenceRow | 'unknown' | 'expired'> {
    const now = this.#o.clock.wallNow();
    const result = await this.#silences.expire(id, now);
    return typeof result === 'string' ? result : silenceRow(result, now);
  }

  /** Resolves once nothing is left to do now: for tests driving a fake clock. */
  async settle(): Promise<void> {
    for (;;) {
      const chain = this.#chain;
      await chain;
      await this.#deliverer.idle();
      if (chain === this.#chain && this.#deliverer.busy === 0) return;
    }
  }

  /** Stops every timer and attempt in flight (they stay in the outbox) and gives up the role. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#deliverer.stop();
    await this.#chain;
    for (const receiver of this.#o.receivers.values()) receiver.close();
    if (this.#holder) await this.#o.role.release();
  }

  #after(transitions: readonly Transition[]): void {
    if (transitions.length === 0) return;
    this.#dispatcher.update(
      transitions.map((t) => t.alert),
      this.#o.clock.wallNow(),
    );
    const put: StoredAlert[] = [];
    const remove: string[] = [];
    for (const t of transitions) {
      const stored = t.to === 'inactive' ? undefined : this.#evaluator.stored(t.alert);
      if (stored === undefined) remove.push(t.alert.fingerprint);
      else put.push(stored);
    }
    this.#work(async () => {
      if (this.#holder) await this.#storeWork(() => this.#o.store.saveAlerts(put, remove));
    });
    this.#wake(this.#o.clock.wallNow());
  }

  /** One look at everything time-driven: stale scans, silences, groups, the outbox. */
  async #step(): Promise<void> {
    const { clock, store, role } = this.#o;
    let now = clock.wallNow();
    if (now >= this.#nextTimeCheck) {
      this.#nextTimeCheck = now + this.#o.intervalMs;
      this.#after(this.#evaluator.observeTime(this.#scanHealth(), now));
      // Another replica may have added or expired a silence.
      await this.#storeWork(() => this.#silences.refresh());
    }
    // Purging may not touch the store at all, so it proves nothing about an outage's end.
    await this.#storeWork(() => this.#silences.purge(now), false);
    if (this.#holder && !role.isHolder()) {
      this.#holder = false;
      this.#o.log('no longer the notifier (the role was lost); delivering stops here');
    }
    if (!this.#holder) {
      await this.#storeWork(async () => {
        if (await role.acquire()) await this.#becomeHolder();
      });
    }
    let next = Math.min(this.#nextTimeCheck, now + MAX_SLEEP_MS);
    if (this.#holder) {
      await this.#storeWork(async () => {
        now = clock.wallNow();
        for (const notification of this.#dispatcher.flush(now))
          await store.enqueue(notification, now);
        await this.#deliverer.pump();
        for (const t of [this.#dispatcher.nextDueAt(), await store.nextAttemptAt()]) {
          if (t !== undefined && t > now) next = Math.min(next, t);
        }
      });
    }
    // Read here, not when /metrics is scraped, so a scrape never waits for or fails with the store.
    await this.#storeWork(async () => {
      this.#queued = await store.queued();
    });
    this.#wake(next);
  }

  /**
   * Taking the role: what the previous holder (or our previous life) told receivers counts, and
   * the alerts it kept that we do not track become ours, so they resolve here when they clear.
   */
  async #becomeHolder(): Promise<void> {
    const { store, clock } = this.#o;
    const log = await store.loadNotificationLog();
    const stored = await store.loadAlerts();
    const now = clock.wallNow();
    const tracked = new Set([...this.#evaluator.alerts()].map((a) => a.fingerprint));
    const gone = this.#evaluator.restore(
      stored.filter((s) => !tracked.has(s.fingerprint)),
      now,
    );
    const keep = [...this.#evaluator.alerts()].flatMap((a) => this.#evaluator.stored(a) ?? []);
    const kept = new Set(keep.map((a) => a.fingerprint));
    await store.saveAlerts(
      keep,
      stored.filter((s) => !kept.has(s.fingerprint)).map((s) => s.fingerprint),
    );
    this.#dispatcher = this.#newDispatcher();
    this.#dispatcher.restore(log);
    const resolves = [...this.#pendingResolves, ...gone.map((t) => t.alert)];
    this.#dispatcher.update([...resolves, ...this.#evaluator.alerts()], now);
    this.#pendingResolves = [];
    this.#holder = true;
  }

  /**
   * Runs work on the store. A failure is logged once per outage, and the role is given up in
   * memory: what was flushed but not enqueued is not lost, since taking the role again rebuilds
   * the dispatcher from what the store says receivers were told.
   */
  async #storeWork(task: () => Promise<void>, touchesStore = true): Promise<void> {
    try {
      await task();
      if (!touchesStore) return;
      if (this.#storeDown) this.#o.log('alerting: the store answers again');
      this.#storeDown = false;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const wasHolder = this.#holder;
      this.#holder = false;
      if (wasHolder && !this.#o.role.isHolder()) {
        this.#o.log(`no longer the notifier (${reason}); delivering stops here`);
        return;
      }
      if (this.#storeDown) return;
      this.#storeDown = true;
      this.#o.log(`alerting: the store failed (${reason}); notifications wait until it answers`);
    }
  }

  #newDispatcher(): Dispatcher {
    const { routes, receivers } = this.#o.config;
    return new Dispatcher(routes, receivers, (labels, now) => this.#muting(labels, now));
  }

  /** Looks at everything again at `at`; at once (in turn with other work) when that is now. */
  #wake(at: number): void {
    if (this.#stopped) return;
    if (at <= this.#o.clock.wallNow()) {
      if (this.#stepQueued) return;
      this.#stepQueued = true;
      this.#o.clock.clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.#work(async () => {
        this.#stepQueued = false;
        await this.#step();
      });
      return;
    }
    if (at >= this.#timerAt) return;
    this.#o.clock.clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.#work(() => this.#step());
    }, at - this.#o.clock.wallNow());
  }

  #work(task: () => Promise<void>): void {
    this.#chain = this.#chain.then(task).catch((err: unknown) => {
      this.#o.log(`alerting: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  #muting(labels: Labels, now: number): Muting {
    const silencedBy = this.#silences.silencing(labels, now);
    const window = maintenanceFor(this.#o.config.maintenance, labels, now);
    if (silencedBy.length === 0 && window === undefined) return NOT_MUTED;
    return { silencedBy, maintenance: window?.name ?? null };
  }

  #scanHealth(): ScanHealth {
    return { ...this.#health, intervalMs: this.#o.intervalMs };
  }

  #alertCounts(): { pending: number; firing: number; silenced: number } {
    const now = this.#o.clock.wallNow();
    let silenced = 0;
    for (const a of this.#evaluator.alerts()) {
      if (a.state === 'firing' && this.#muting(a.labels, now) !== NOT_MUTED) silenced++;
    }
    return { ...this.#evaluator.counts(), silenced };
  }
}
