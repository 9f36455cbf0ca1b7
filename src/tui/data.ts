import { summarizeServices } from '../core/services.ts';
import type { HealthRules, InstanceRow, ServiceRow } from '../core/types.ts';
import { History, type Series } from './history.ts';
import type { PastSeries, RecentPast } from './model.ts';
import { Roster } from './roster.ts';
import { UNKNOWN_SERVICE_KEY } from './rows.ts';

const FLEET_KEY = 'fleet';

/** Mean cpu and memory over the instances that answered; null when none did. */
export interface Means {
  readonly cpu: number | null;
  readonly memory: number | null;
}

/**
 * What the scans taught the live view, kept within bounded memory: the services of the
 * fleet, the instances of the open service, and mean histories for the headers.
 */
export class MonitorData {
  /** Instances of the open service. */
  readonly instances: Roster<InstanceRow>;
  /** Services of the fleet; a service's series is its mean cpu and memory. */
  readonly services: Roster<ServiceRow>;
  /** Mean cpu and memory of the whole fleet over time, for the list header. */
  readonly fleet: History;
  /** Mean cpu and memory of the whole fleet in the last fleet scan. */
  fleetNow: Means = { cpu: null, memory: null };
  readonly #rules: HealthRules;
  #lastFleetRows: readonly InstanceRow[] = [];

  constructor(capacity: number, rules: HealthRules) {
    this.#rules = rules;
    this.instances = new Roster(capacity);
    this.services = new Roster(capacity);
    this.fleet = new History(capacity);
  }

  /** A fleet scan: every service's statistics and the fleet's means. */
  applyFleet(at: number, rows: readonly InstanceRow[], intervalMs: number): void {
    this.#lastFleetRows = rows;
    const summary = summarizeServices(rows, this.#rules);
    this.services.apply(
      at,
      intervalMs,
      summary.map((s) => ({
        key: s.service ?? UNKNOWN_SERVICE_KEY,
        value: s,
        cpu: s.cpu,
        memory: s.memory,
      })),
    );
    const [all] = summarizeServices(
      rows.map((row) => ({ ...row, service: FLEET_KEY })),
      this.#rules,
    );
    this.fleetNow = { cpu: all?.cpu ?? null, memory: all?.memory ?? null };
    this.fleet.beginTick();
    this.fleet.record(FLEET_KEY, this.fleetNow.cpu, this.fleetNow.memory);
  }

  /** A scan of one service: its instances, and its mean in the service history. */
  applyService(at: number, rows: readonly InstanceRow[], service: string, intervalMs: number) {
    this.instances.apply(
      at,
      intervalMs,
      rows.map((row) => ({ key: row.ip, value: row, cpu: row.cpu, memory: row.memory })),
    );
    // The service's own line in the service history, so the header sparkline spans the session.
    const [summary] = summarizeServices(rows, this.#rules);
    if (summary !== undefined) {
      this.services.history.beginTick();
      this.services.history.record(service, summary.cpu, summary.memory);
    }
  }

  /**
   * Puts the store's recent past of the fleet into the service and fleet sparklines before the
   * first fleet scan, for the services that scan lists (so nothing gone lingers).
   */
  prefillFleet(past: RecentPast, rows: readonly InstanceRow[]): void {
    if (this.services.lastTickAt !== null) return;
    const present = new Set(rows.map((row) => row.service ?? UNKNOWN_SERVICE_KEY));
    prefill(this.services.history, past, present);
    if (past.total !== undefined) prefillOne(this.fleet, FLEET_KEY, past.ticks, past.total);
  }

  /** The same for one service: its instances' sparklines and the service's own line. */
  prefillService(past: RecentPast, rows: readonly InstanceRow[], service: string): void {
    if (this.instances.lastTickAt !== null) return;
    prefill(this.instances.history, past, new Set(rows.map((row) => row.ip)));
    if (past.total !== undefined && this.services.history.get(service) === undefined) {
      prefillOne(this.services.history, service, past.ticks, past.total);
    }
  }

  /**
   * Starts following `service` from the list: the last fleet scan already read its
   * instances, so they show at once rather than a scan later.
   */
  openService(service: string, intervalMs: number): void {
    this.instances.clear();
    const rows = this.#lastFleetRows.filter((row) => row.service === service);
    const at = this.services.lastTickAt;
    if (rows.length > 0 && at !== null) this.applyService(at, rows, service, intervalMs);
  }

  /** Stops following a service; its instance history is released. */
  closeService(): void {
    this.instances.clear();
  }

  /** Changes every ring to `capacity` samples (the interval changed). */
  resize(capacity: number): void {
    this.instances.history.resize(capacity);
    this.services.history.resize(capacity);
    this.fleet.resize(capacity);
  }

  /** The mean series of `service` (detail header), once it has a sample. */
  serviceSeries(service: string | null): Series | undefined {
    return service === null ? undefined : this.services.history.get(service);
  }

  /** Statistics of the open service over its present instances. */
  serviceSummary(): ServiceRow | undefined {
    const rows: InstanceRow[] = [];
    for (const entry of this.instances.entries()) {
      if (entry.goneSince === null) rows.push(entry.value);
    }
    return summarizeServices(rows, this.#rules)[0];
  }
}

/** Records `past` as ticks before the live ones, for the keys in `present`, outside session stats. */
function prefill(history: History, past: RecentPast, present: ReadonlySet<string>): void {
  const keys = [...past.series.keys()].filter((key) => present.has(key));
  if (keys.length === 0) return;
  for (let tick = 0; tick < past.ticks; tick++) {
    history.beginTick();
    for (const key of keys) {
      const series = past.series.get(key) as PastSeries;
      history.record(key, series.cpu[tick] ?? null, series.memory[tick] ?? null, false);
    }
  }
}

function prefillOne(history: History, key: string, ticks: number, series: PastSeries): void {
  prefill(history, { ticks, series: new Map([[key, series]]) }, new Set([key]));
}
