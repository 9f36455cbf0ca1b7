import { STATUS_CODE, statusOfCode } from '../codec.ts';
import { type FleetDiff, FleetState } from '../fleet-state.ts';
import { TIER_MS } from '../retention.ts';
import { lazyIps, type ScanRecord, statusOfRow } from '../scan-record.ts';
import type { SqlTx, SqlValue } from './driver.ts';
import { insertEvents, insertRawSamples, type Layout, layoutOf } from './raw-rows.ts';
import { UNKNOWN_SERVICE_NAME } from './unknown-service.ts';

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
  /** How the last scan's rows were grouped and ordered; reused while the fleet stays put. */
  #layout: Layout | undefined;

  /** Drops what it remembers; the next scan reloads it from the store. */
  forget(): void {
    this.#state = undefined;
    this.#layout = undefined;
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
    const ips = lazyIps(scan);
    const diff = state.diff(scan, ips);
    const serviceIds = await this.#ensureServices(tx, diff);
    const instanceIds =
      diff.changedRows.length === 0
        ? new Map<string, number>()
        : await this.#saveInstances(tx, scan, ips(), diff, serviceIds);
    await this.#saveGone(tx, scan.ts, diff.goneIps);
    await this.#saveServices(tx, scan.ts, diff, serviceIds);
    const layout =
      this.#layout?.ips === scan.ips && !diff.moved
        ? this.#layout
        : layoutOf(
            scan,
            ips(),
            diff,
            serviceIds,
            (ip) => instanceIds.get(ip) ?? this.#instanceIds.get(ip),
          );
    await insertRawSamples(tx, scan, layout);
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
    return { scan, ips, diff, state, instanceIds, serviceIds, layout };
  }

  /** Makes a committed write's changes what this writer remembers. */
  commit(pending: PendingWrite): void {
    pending.state.apply(pending.scan, pending.ips, pending.diff);
    this.#state = pending.state;
    this.#layout = pending.layout;
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
      'SELECT id, name, status FROM services WHERE status IS NOT NULL OR name = ?',
      [UNKNOWN_SERVICE_NAME],
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
    // An instance that moved service leaves its former one in instance_services (a trigger).
    for (const row of saved) ids.set(row.ip, Number(row.id));
    return ids;
  }

  async #saveGone(tx: SqlTx, ts: number, gone: readonly string[]): Promise<void> {
    const ids = gone.flatMap((ip) => {
      const id = this.#instanceIds.get(ip);
      return id === undefined ? [] : [id];
    });
    // Fixed list lengths (padded with an id that never exists) keep the statements few.
    for (let at = 0; at < ids.length; at += CHUNK) {
      const chunk = ids.slice(at, at + CHUNK);
      const size = [20, 100, CHUNK].find((n) => n >= chunk.length) ?? CHUNK;
      while (chunk.length < size) chunk.push(-1);
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
  readonly ips: () => readonly string[];
  readonly diff: FleetDiff;
  readonly state: FleetState;
  readonly instanceIds: ReadonlyMap<string, number>;
  readonly serviceIds: ReadonlyMap<string, number>;
  readonly layout: Layout;
}
