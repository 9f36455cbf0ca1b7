import type { HistoryEvent } from '../../core/history-types.ts';
import { addSample, emptyAgg } from '../aggregate.ts';
import { encodeSamples, STATUS_CODE, statusOfCode } from '../codec.ts';
import { type FleetDiff, FleetState } from '../fleet-state.ts';
import { TIER_MS } from '../retention.ts';
import { ipsOf, type ScanRecord, statusOfRow } from '../scan-record.ts';
import type { SqlTx, SqlValue } from './driver.ts';

/** The name samples of instances that never said their service are kept under. */
export const UNKNOWN_SERVICE_NAME = '';

/** Statements with many `?` are cut into chunks of this many values. */
const CHUNK = 500;

/**
 * Writes scans: the raw samples packed per service, the transitions, and the present state
 * they were found against. It remembers the present fleet (ids and states) between scans so a
 * scan costs a few statements, not one per instance; whenever it cannot be sure that memory
 * matches the store (an error, another writer) it forgets and reloads.
 */
export class SqlScanWriter {
  #state: FleetState | undefined;
  /** Ids of present instances (and only those: memory follows the fleet). */
  readonly #instanceIds = new Map<string, number>();
  readonly #serviceIds = new Map<string, number>();

  /** Drops what it remembers; the next scan reloads it from the store. */
  forget(): void {
    this.#state = undefined;
    this.#instanceIds.clear();
    this.#serviceIds.clear();
  }

  /** Writes `scan` inside `tx` (which holds the writer role); call {@link commit} after COMMIT. */
  async write(tx: SqlTx, scan: ScanRecord): Promise<PendingWrite | 'duplicate'> {
    const state = this.#state ?? (await this.#load(tx));
    const fresh = await tx.run(
      'INSERT INTO scans (ts, duration_ms, instances) VALUES (?, ?, ?) ON CONFLICT (ts) DO NOTHING',
      [scan.ts, Math.round(scan.durationMs), scan.count],
    );
    if (fresh === 0) return 'duplicate';
    const ips = ipsOf(scan);
    const diff = state.diff(scan, ips);
    const serviceIds = await this.#ensureServices(tx, diff);
    const instanceIds = await this.#saveInstances(tx, scan, ips, diff, serviceIds);
    await this.#saveGone(tx, scan.ts, diff.goneIps);
    await this.#saveServices(tx, scan.ts, diff, serviceIds);
    await insertRawSamples(
      tx,
      scan,
      ips,
      diff,
      serviceIds,
      (ip) => instanceIds.get(ip) ?? this.#instanceIds.get(ip),
    );
    await insertEvents(tx, diff.events);
    // A scan older than rolled-up buckets (written late, from the buffer) reopens them.
    for (const [tier, width] of [
      ['minute', TIER_MS.minute],
      ['hour', TIER_MS.hour],
    ] as const) {
      const bucket = Math.floor(scan.ts / width) * width;
      await tx.run('UPDATE rollup_state SET done_until = ? WHERE tier = ? AND done_until > ?', [
        bucket,
        tier,
        bucket,
      ]);
    }
    return { scan, ips, diff, state, instanceIds, serviceIds };
  }

  /** Makes a committed write's changes what this writer remembers. */
  commit(pending: PendingWrite): void {
    pending.state.apply(pending.scan, pending.ips, pending.diff);
    this.#state = pending.state;
    for (const [ip, id] of pending.instanceIds) this.#instanceIds.set(ip, id);
    for (const ip of pending.diff.goneIps) this.#instanceIds.delete(ip);
    for (const [name, id] of pending.serviceIds) this.#serviceIds.set(name, id);
    for (const [name, status] of pending.diff.services) {
      if (status === null) this.#serviceIds.delete(name);
    }
  }

  async #load(tx: SqlTx): Promise<FleetState> {
    this.forget();
    const state = new FleetState();
    const services = await tx.all<{ id: number; name: string; status: string | null }>(
      'SELECT id, name, status FROM services WHERE status IS NOT NULL',
    );
    const names = new Map<number, string>();
    for (const row of services) {
      names.set(Number(row.id), row.name);
      this.#serviceIds.set(row.name, Number(row.id));
      if (row.status === 'ok' || row.status === 'flagged') state.services.set(row.name, row.status);
    }
    const instances = await tx.all<{
      id: number;
      ip: string;
      status: number;
      service_id: number | null;
    }>('SELECT id, ip, status, service_id FROM instances WHERE status IS NOT NULL');
    for (const row of instances) {
      this.#instanceIds.set(row.ip, Number(row.id));
      const service = row.service_id === null ? null : (names.get(Number(row.service_id)) ?? null);
      state.instances.set(row.ip, {
        service: service === UNKNOWN_SERVICE_NAME ? null : service,
        status: statusOfCode(Number(row.status)) ?? 'unreachable',
      });
    }
    state.known = (await tx.all('SELECT ts FROM scans LIMIT 1')).length > 0;
    return state;
  }

  /** Ids of every service the scan mentions, creating new ones. */
  async #ensureServices(tx: SqlTx, diff: FleetDiff): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    const missing = new Set<string>();
    const want = (name: string) => {
      const id = this.#serviceIds.get(name);
      if (id === undefined) missing.add(name);
      else ids.set(name, id);
    };
    for (const name of diff.rowService) want(name ?? UNKNOWN_SERVICE_NAME);
    for (const name of diff.services.keys()) want(name);
    if (missing.size > 0) {
      const rows = await tx.insertMany<{ id: number; name: string }>({
        table: 'services',
        columns: [['name', 'text']],
        rows: [...missing].map((name) => [name]),
        conflict: 'ON CONFLICT (name) DO UPDATE SET name = excluded.name',
        returning: 'id, name',
      });
      for (const row of rows) ids.set(row.name, Number(row.id));
    }
    return ids;
  }

  /** Stores the new state of instances that appeared or changed; their ids by IP. */
  async #saveInstances(
    tx: SqlTx,
    scan: ScanRecord,
    ips: readonly string[],
    diff: FleetDiff,
    serviceIds: ReadonlyMap<string, number>,
  ): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    const rows: SqlValue[][] = [];
    for (const i of diff.changedRows) {
      const service = serviceIds.get(diff.rowService[i] ?? UNKNOWN_SERVICE_NAME) ?? null;
      rows.push([ips[i] as string, service, STATUS_CODE[statusOfRow(scan, i)]]);
    }
    const saved = await tx.insertMany<{ id: number; ip: string }>({
      table: 'instances',
      columns: [
        ['ip', 'text'],
        ['service_id', 'bigint'],
        ['status', 'int'],
      ],
      rows,
      conflict:
        'ON CONFLICT (ip) DO UPDATE SET service_id = excluded.service_id, status = excluded.status, gone_at = NULL',
      returning: 'id, ip',
    });
    for (const row of saved) ids.set(row.ip, Number(row.id));
    await tx.insertMany({
      table: 'instance_services',
      columns: [
        ['instance_id', 'bigint'],
        ['service_id', 'bigint'],
      ],
      rows: rows.map((row) => [ids.get(row[0] as string) ?? null, row[1] ?? null]),
      conflict: 'ON CONFLICT DO NOTHING',
    });
    return ids;
  }

  async #saveGone(tx: SqlTx, ts: number, gone: readonly string[]): Promise<void> {
    const ids = gone.flatMap((ip) => {
      const id = this.#instanceIds.get(ip);
      return id === undefined ? [] : [id];
    });
    for (let at = 0; at < ids.length; at += CHUNK) {
      const chunk = ids.slice(at, at + CHUNK);
      await tx.run(
        `UPDATE instances SET status = NULL, gone_at = ? WHERE id IN (${chunk.map(() => '?').join(', ')})`,
        [ts, ...chunk],
      );
    }
  }

  async #saveServices(
    tx: SqlTx,
    ts: number,
    diff: FleetDiff,
    serviceIds: ReadonlyMap<string, number>,
  ): Promise<void> {
    for (const [name, status] of diff.services) {
      await tx.run('UPDATE services SET status = ?, gone_at = ? WHERE id = ?', [
        status,
        status === null ? ts : null,
        serviceIds.get(name) ?? null,
      ]);
    }
  }
}

/** A write done inside a transaction, to remember once it has committed. */
export interface PendingWrite {
  readonly scan: ScanRecord;
  readonly ips: readonly string[];
  readonly diff: FleetDiff;
  readonly state: FleetState;
  readonly instanceIds: ReadonlyMap<string, number>;
  readonly serviceIds: ReadonlyMap<string, number>;
}

/** One row per service: its totals and its instances' samples packed by id. */
async function insertRawSamples(
  tx: SqlTx,
  scan: ScanRecord,
  ips: readonly string[],
  diff: FleetDiff,
  serviceIds: ReadonlyMap<string, number>,
  idOf: (ip: string) => number | undefined,
): Promise<void> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < scan.count; i++) {
    const service = serviceIds.get(diff.rowService[i] ?? UNKNOWN_SERVICE_NAME);
    if (service === undefined) continue;
    let rows = groups.get(service);
    if (rows === undefined) {
      rows = [];
      groups.set(service, rows);
    }
    rows.push(i);
  }
  const out: SqlValue[][] = [];
  for (const [service, rows] of groups) {
    const entries = rows.flatMap((i) => {
      const id = idOf(ips[i] as string);
      return id === undefined ? [] : [[id, i] as const];
    });
    entries.sort((a, b) => a[0] - b[0]);
    const n = entries.length;
    const columns = {
      ids: new Uint32Array(n),
      cpu: new Uint16Array(n),
      memory: new Uint16Array(n),
      status: new Uint8Array(n),
    };
    const agg = emptyAgg();
    entries.forEach(([id, i], k) => {
      columns.ids[k] = id;
      columns.cpu[k] = scan.cpu[i] ?? 0;
      columns.memory[k] = scan.memory[i] ?? 0;
      columns.status[k] = scan.status[i] ?? 0;
      addSample(agg, columns.status[k] ?? 0, columns.cpu[k] ?? 0, columns.memory[k] ?? 0);
    });
    const answered = agg.samples - agg.unreachable > 0;
    out.push([
      service,
      scan.ts,
      agg.samples,
      agg.healthy,
      agg.unreachable,
      agg.cpuSum,
      answered ? agg.cpuMin : null,
      answered ? agg.cpuMax : null,
      agg.memorySum,
      answered ? agg.memoryMin : null,
      answered ? agg.memoryMax : null,
      encodeSamples(columns),
    ]);
  }
  await tx.insertMany({
    table: 'raw_samples',
    columns: [
      ['service_id', 'bigint'],
      ['ts', 'bigint'],
      ['samples', 'int'],
      ['healthy', 'int'],
      ['unreachable', 'int'],
      ['cpu_sum', 'bigint'],
      ['cpu_min', 'int'],
      ['cpu_max', 'int'],
      ['memory_sum', 'bigint'],
      ['memory_min', 'int'],
      ['memory_max', 'int'],
      ['data', 'bytes'],
    ],
    rows: out,
    conflict: 'ON CONFLICT DO NOTHING',
  });
}

async function insertEvents(tx: SqlTx, events: readonly HistoryEvent[]): Promise<void> {
  await tx.insertMany({
    table: 'events',
    columns: [
      ['ts', 'bigint'],
      ['scope', 'text'],
      ['subject', 'text'],
      ['service', 'text'],
      ['kind', 'text'],
      ['from_state', 'text'],
      ['to_state', 'text'],
      ['cpu', 'real'],
      ['memory', 'real'],
      ['healthy', 'int'],
      ['instances', 'int'],
      ['reason', 'text'],
    ],
    rows: events.map((e) => [
      e.ts,
      e.scope,
      e.subject,
      e.service,
      e.kind,
      e.from,
      e.to,
      e.cpu,
      e.memory,
      e.healthy,
      e.instances,
      e.reason,
    ]),
  });
}
