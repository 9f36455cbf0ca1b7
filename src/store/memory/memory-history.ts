import type {
  EventsQuery,
  HistoryEvent,
  HistorySeries,
  SeriesQuery,
} from '../../core/history-types.ts';
import { type Agg, addSample, emptyAgg, SeriesBuilder } from '../aggregate.ts';
import { pickBusiest } from '../busiest.ts';
import { indexOfId, NO_VALUE, STATUS_CODE } from '../codec.ts';
import { FleetState } from '../fleet-state.ts';
import type { HistoryReader, WriteOutcome } from '../history.ts';
import { ipsOf, type ScanRecord } from '../scan-record.ts';
import type { StoreInfo } from '../store.ts';

/** Sizing of the in-memory history. */
export interface MemoryStoreOptions {
  /** Retained window in ms. */
  readonly windowMs: number;
  /** Scans kept at most, whatever the window. */
  readonly maxScans: number;
}

/** Most events kept in memory. */
export const MAX_EVENTS = 10_000;

/** One scan: every instance's sample, grouped by service, ids ascending within each group. */
interface MemoryScan {
  readonly seq: number;
  readonly ts: number;
  readonly ids: Uint32Array;
  readonly cpu: Uint16Array;
  readonly memory: Uint16Array;
  readonly status: Uint8Array;
  /** Per service id: its rows `[start, end)` and their aggregates. */
  readonly groups: ReadonlyMap<
    number,
    { readonly start: number; readonly end: number; readonly agg: Agg }
  >;
}

interface Entry {
  readonly id: number;
  lastSeq: number;
  /** Service ids its samples were kept under within the window. */
  services: number[];
}

/**
 * The last `windowMs` of scans, each packed like a raw row of the SQL stores (~9 bytes per
 * sample). Instances and services stay in the dictionary only while a retained scan mentions
 * them, so memory follows the samples held, however many instances a churning fleet has shown.
 */
export class MemoryHistory implements HistoryReader {
  readonly reachMs: number;
  readonly #options: MemoryStoreOptions;
  readonly #scans: MemoryScan[] = [];
  readonly #events: HistoryEvent[] = [];
  readonly #instances = new Map<string, Entry>();
  readonly #ipOf = new Map<number, string>();
  readonly #services = new Map<string, Entry>();
  readonly #serviceName = new Map<number, string>();
  readonly #freeIds: number[] = [];
  readonly #state = new FleetState();
  #nextId = 1;
  #seq = 0;
  samples = 0;

  constructor(options: MemoryStoreOptions) {
    this.#options = options;
    this.reachMs = options.windowMs;
  }

  write(scan: ScanRecord): WriteOutcome {
    const last = this.#scans[this.#scans.length - 1];
    if (last !== undefined && scan.ts <= last.ts) return 'duplicate';
    const seq = this.#seq++;
    const ips = ipsOf(scan);
    const diff = this.#state.diff(scan, () => ips);
    this.#state.apply(scan, () => ips, diff);
    const byService = new Map<number, [id: number, row: number][]>();
    for (let i = 0; i < scan.count; i++) {
      const service = this.#entry(this.#services, this.#serviceName, diff.rowService[i] ?? '', seq);
      const instance = this.#entry(this.#instances, this.#ipOf, ips[i] as string, seq);
      if (instance.services[instance.services.length - 1] !== service.id) {
        instance.services = [...instance.services.filter((id) => id !== service.id), service.id];
      }
      const rows = byService.get(service.id) ?? [];
      rows.push([instance.id, i]);
      byService.set(service.id, rows);
    }
    this.#scans.push(pack(seq, scan, byService));
    this.samples += scan.count;
    this.#events.push(...diff.events);
    this.#evict(scan.ts);
    return 'written';
  }

  async series(query: SeriesQuery): Promise<HistorySeries | undefined> {
    const inRange = this.#scans.filter((s) => s.ts >= query.from && s.ts < query.to);
    const times = query.stepMs === null ? inRange.map((s) => s.ts) : [];
    const builder = new SeriesBuilder(query.from, query.to, query.stepMs, times);
    if (query.target.kind === 'instance') {
      const entry = this.#instances.get(query.target.ip);
      if (entry === undefined) return undefined;
      for (const scan of inRange) {
        for (const service of entry.services) {
          const group = scan.groups.get(service);
          if (group === undefined) continue;
          const k = indexOfId(scan.ids.subarray(group.start, group.end), entry.id);
          if (k < 0) continue;
          const agg = emptyAgg();
          agg.scans = 1;
          const at = group.start + k;
          addSample(
            agg,
            scan.status[at] ?? 0,
            scan.cpu[at] ?? NO_VALUE,
            scan.memory[at] ?? NO_VALUE,
          );
          builder.add(scan.ts, agg);
        }
      }
      const last = this.#serviceName.get(entry.services[entry.services.length - 1] ?? -1);
      const service = this.#state.instances.get(query.target.ip)?.service ?? (last || null);
      return builder.build({ service, ip: query.target.ip }, 'raw', false);
    }
    const name = this.#serviceNamed(query.target.service);
    const entry = name === undefined ? undefined : this.#services.get(name);
    if (name === undefined || entry === undefined) return undefined;
    for (const scan of inRange) {
      const group = scan.groups.get(entry.id);
      if (group !== undefined) builder.add(scan.ts, group.agg);
    }
    const limit = query.members ?? 0;
    if (limit > 0) this.#members(builder, inRange, entry.id, limit);
    return builder.build({ service: name }, 'raw', limit > 0);
  }

  async events(query: EventsQuery): Promise<HistoryEvent[]> {
    const target = query.target;
    const service = target.kind === 'service' ? this.#serviceNamed(target.service) : undefined;
    return this.#events
      .filter(
        (e) =>
          e.ts >= query.from &&
          e.ts < query.to &&
          (target.kind === 'service'
            ? e.service === service
            : e.scope === 'instance' && e.subject === target.ip),
      )
      .slice(0, query.limit);
  }

  async services(): Promise<string[]> {
    return [...this.#services.keys()].filter((name) => name !== '').sort();
  }

  extents(): Pick<StoreInfo, 'scans' | 'events' | 'instances' | 'services'> {
    const extent = (times: readonly number[]) => ({
      rows: times.length,
      oldest: times[0] ?? null,
      newest: times[times.length - 1] ?? null,
    });
    return {
      scans: extent(this.#scans.map((s) => s.ts)),
      events: extent(this.#events.map((e) => e.ts)),
      instances: { present: this.#state.instances.size, known: this.#instances.size },
      services: {
        present: this.#state.services.size,
        known: this.#services.size - (this.#services.has('') ? 1 : 0),
      },
    };
  }

  #members(
    builder: SeriesBuilder,
    scans: readonly MemoryScan[],
    service: number,
    limit: number,
  ): void {
    const latest = scans.findLast((s) => s.groups.has(service));
    const group = latest?.groups.get(service);
    if (latest === undefined || group === undefined) return;
    const ids: number[] = [];
    const cpu: number[] = [];
    const memory: number[] = [];
    for (let at = group.start; at < group.end; at++) {
      if (latest.status[at] === STATUS_CODE.unreachable || latest.cpu[at] === NO_VALUE) continue;
      ids.push(latest.ids[at] ?? 0);
      cpu.push(latest.cpu[at] ?? 0);
      memory.push(latest.memory[at] ?? 0);
    }
    const chosen = pickBusiest(ids, cpu, memory, limit);
    for (const scan of scans) {
      const g = scan.groups.get(service);
      if (g === undefined) continue;
      const slice = scan.ids.subarray(g.start, g.end);
      for (const id of chosen) {
        const k = indexOfId(slice, id);
        const at = g.start + k;
        if (k < 0 || scan.status[at] === STATUS_CODE.unreachable) continue;
        const c = scan.cpu[at] ?? NO_VALUE;
        const m = scan.memory[at] ?? NO_VALUE;
        if (c !== NO_VALUE && m !== NO_VALUE)
          builder.addMember(this.#ipOf.get(id) ?? '', scan.ts, c, m, 1);
      }
    }
  }

  #serviceNamed(wanted: string): string | undefined {
    if (wanted !== '' && this.#services.has(wanted)) return wanted;
    const lower = wanted.toLowerCase();
    const matches = [...this.#services.keys()].filter(
      (name) => name !== '' && name.toLowerCase() === lower,
    );
    return matches.length === 1 ? matches[0] : undefined;
  }

  #entry(map: Map<string, Entry>, names: Map<number, string>, key: string, seq: number): Entry {
    let entry = map.get(key);
    if (entry === undefined) {
      entry = { id: this.#freeIds.pop() ?? this.#nextId++, lastSeq: seq, services: [] };
      map.set(key, entry);
      names.set(entry.id, key);
    }
    entry.lastSeq = seq;
    return entry;
  }

  /** Drops scans past the window or the cap, and whatever only they mentioned. */
  #evict(newest: number): void {
    const { windowMs, maxScans } = this.#options;
    while (
      this.#scans.length > maxScans ||
      (this.#scans.length > 0 && (this.#scans[0]?.ts ?? newest) <= newest - windowMs)
    ) {
      const old = this.#scans.shift() as MemoryScan;
      this.samples -= old.ids.length;
      for (const id of old.ids) this.#forget(this.#instances, this.#ipOf, id, old.seq);
      for (const id of old.groups.keys())
        this.#forget(this.#services, this.#serviceName, id, old.seq);
    }
    let drop = 0;
    while (
      drop < this.#events.length &&
      (this.#events.length - drop > MAX_EVENTS ||
        (this.#events[drop]?.ts ?? newest) <= newest - windowMs)
    ) {
      drop++;
    }
    if (drop > 0) this.#events.splice(0, drop);
  }

  #forget(map: Map<string, Entry>, names: Map<number, string>, id: number, seq: number): void {
    const key = names.get(id);
    const entry = key === undefined ? undefined : map.get(key);
    if (key === undefined || entry === undefined || entry.lastSeq > seq) return;
    map.delete(key);
    names.delete(id);
    if (map === this.#instances) this.#freeIds.push(id);
  }
}

/** Packs one scan's rows, grouped by service id and sorted by instance id. */
function pack(
  seq: number,
  scan: ScanRecord,
  byService: ReadonlyMap<number, [number, number][]>,
): MemoryScan {
  const n = scan.count;
  const ids = new Uint32Array(n);
  const cpu = new Uint16Array(n);
  const memory = new Uint16Array(n);
  const status = new Uint8Array(n);
  const groups = new Map<number, { start: number; end: number; agg: Agg }>();
  let at = 0;
  for (const [service, rows] of byService) {
    rows.sort((a, b) => a[0] - b[0]);
    const agg = emptyAgg();
    agg.scans = 1;
    const start = at;
    for (const [id, i] of rows) {
      ids[at] = id;
      cpu[at] = scan.cpu[i] ?? NO_VALUE;
      memory[at] = scan.memory[i] ?? NO_VALUE;
      status[at] = scan.status[i] ?? 0;
      addSample(agg, status[at] ?? 0, cpu[at] ?? NO_VALUE, memory[at] ?? NO_VALUE);
      at++;
    }
    groups.set(service, { start, end: at, agg });
  }
  return { seq, ts: scan.ts, ids, cpu, memory, status, groups };
}
