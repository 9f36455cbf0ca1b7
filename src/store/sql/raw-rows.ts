import type { HistoryEvent } from '../../core/history-types.ts';
import { addSample, emptyAgg } from '../aggregate.ts';
import { encodeSamples } from '../codec.ts';
import type { FleetDiff } from '../fleet-state.ts';
import type { ScanRecord } from '../scan-record.ts';
import type { SqlTx, SqlValue } from './driver.ts';
import { UNKNOWN_SERVICE_NAME } from './unknown-service.ts';

/** A scan's rows grouped by the service they are kept under, each group ordered by instance id. */
export interface Layout {
  /** The IPs text of the scan it was made for: the same text, the same rows. */
  readonly ips: string;
  readonly groups: readonly {
    readonly service: number;
    readonly rows: Uint32Array;
    readonly ids: Uint32Array;
  }[];
}

export function layoutOf(
  scan: ScanRecord,
  ips: readonly string[],
  diff: FleetDiff,
  serviceIds: ReadonlyMap<string, number>,
  idOf: (ip: string) => number | undefined,
): Layout {
  const byService = new Map<number, [id: number, row: number][]>();
  for (let i = 0; i < scan.count; i++) {
    const service = serviceIds.get(diff.rowService[i] ?? UNKNOWN_SERVICE_NAME);
    const id = idOf(ips[i] as string);
    if (service === undefined || id === undefined) continue;
    let entries = byService.get(service);
    if (entries === undefined) {
      entries = [];
      byService.set(service, entries);
    }
    entries.push([id, i]);
  }
  const groups = [...byService].map(([service, entries]) => {
    entries.sort((a, b) => a[0] - b[0]);
    return {
      service,
      ids: Uint32Array.from(entries, ([id]) => id),
      rows: Uint32Array.from(entries, ([, row]) => row),
    };
  });
  return { ips: scan.ips, groups };
}

/** One row per service: its totals and its instances' samples packed by id. */
export async function insertRawSamples(tx: SqlTx, scan: ScanRecord, layout: Layout): Promise<void> {
  const out: SqlValue[][] = [];
  for (const { service, rows, ids } of layout.groups) {
    const n = rows.length;
    const columns = {
      ids,
      cpu: new Uint16Array(n),
      memory: new Uint16Array(n),
      status: new Uint8Array(n),
    };
    const agg = emptyAgg();
    for (let k = 0; k < n; k++) {
      const row = rows[k] ?? 0;
      const status = scan.status[row] ?? 0;
      const cpu = scan.cpu[row] ?? 0;
      const memory = scan.memory[row] ?? 0;
      columns.status[k] = status;
      columns.cpu[k] = cpu;
      columns.memory[k] = memory;
      addSample(agg, status, cpu, memory);
    }
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

/** The transitions of one scan. */
export async function insertEvents(tx: SqlTx, events: readonly HistoryEvent[]): Promise<void> {
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
