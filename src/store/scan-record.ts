import type { InstanceRow, InstanceStatus } from '../core/types.ts';
import { STATUS_CODE, statusOfCode, toCenti } from './codec.ts';

/** No service named by the row (an instance that never said). */
export const NO_SERVICE = 0xffffffff;

/**
 * One completed scan in the compact form the store buffers and writes: a few bytes per
 * instance instead of a row object, so a bounded buffer holds many scans while a database is away.
 */
export interface ScanRecord {
  /** Epoch ms when the scan started. */
  readonly ts: number;
  readonly durationMs: number;
  /** Instances in the scan. */
  readonly count: number;
  /** The instances' IPs, joined by `\n`, in row order. */
  readonly ips: string;
  /** Distinct service names of the scan; `serviceIndex` points into it. */
  readonly services: readonly string[];
  /** Per row: index into `services`, or {@link NO_SERVICE}. */
  readonly serviceIndex: Uint32Array;
  /** Per row: {@link STATUS_CODE}. */
  readonly status: Uint8Array;
  /** Per row: hundredths of a percent, or `NO_VALUE`. */
  readonly cpu: Uint16Array;
  readonly memory: Uint16Array;
  /** Why each unreachable row was unreachable, by row index. */
  readonly reasons: ReadonlyMap<number, string>;
  /** Healthy instances a service needed to be ok when the scan was taken. */
  readonly minHealthy: number;
}

/** Packs a scan's rows (as `fleetmon instances` shows them) and the quorum in force. */
export function scanRecordOf(
  ts: number,
  durationMs: number,
  rows: readonly InstanceRow[],
  minHealthy: number,
): ScanRecord {
  const n = rows.length;
  const services: string[] = [];
  const indexOf = new Map<string, number>();
  const serviceIndex = new Uint32Array(n);
  const status = new Uint8Array(n);
  const cpu = new Uint16Array(n);
  const memory = new Uint16Array(n);
  const reasons = new Map<number, string>();
  const ips: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i] as InstanceRow;
    ips[i] = row.ip;
    let index = NO_SERVICE;
    if (row.service !== null) {
      index = indexOf.get(row.service) ?? services.length;
      if (index === services.length) {
        indexOf.set(row.service, index);
        services.push(row.service);
      }
    }
    serviceIndex[i] = index;
    status[i] = STATUS_CODE[row.status];
    cpu[i] = toCenti(row.cpu);
    memory[i] = toCenti(row.memory);
    if (row.error !== undefined) reasons.set(i, row.error);
  }
  return {
    ts,
    durationMs,
    count: n,
    ips: ips.join('\n'),
    services,
    serviceIndex,
    status,
    cpu,
    memory,
    reasons,
    minHealthy,
  };
}

/** The IPs of a record, in row order. */
export function ipsOf(record: ScanRecord): string[] {
  return record.count === 0 ? [] : record.ips.split('\n');
}

/** {@link ipsOf}, split at the first call only: a steady fleet's scan often needs none. */
export function lazyIps(record: ScanRecord): () => string[] {
  let ips: string[] | undefined;
  return () => {
    ips ??= ipsOf(record);
    return ips;
  };
}

/** The service named by row `i`, or `null`. */
export function serviceOfRow(record: ScanRecord, i: number): string | null {
  const index = record.serviceIndex[i] ?? NO_SERVICE;
  return index === NO_SERVICE ? null : (record.services[index] ?? null);
}

/** The status of row `i`. */
export function statusOfRow(record: ScanRecord, i: number): InstanceStatus {
  return statusOfCode(record.status[i] ?? 0) ?? 'unreachable';
}

/** Roughly what a record holds in memory, for the write buffer's bound. */
export function recordBytes(record: ScanRecord): number {
  let reasons = 0;
  for (const reason of record.reasons.values()) reasons += 40 + 2 * reason.length;
  // IPs are ASCII: V8 keeps them one byte a character.
  return 200 + record.ips.length + 9 * record.count + reasons;
}
