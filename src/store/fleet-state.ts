import type { HistoryEvent } from '../core/history-types.ts';
import type { InstanceStatus, ServiceStatus } from '../core/types.ts';
import { NO_VALUE, statusOfCode } from './codec.ts';
import { type ScanRecord, serviceOfRow, statusOfRow } from './scan-record.ts';

/** What the store remembers of a present instance between scans. */
export interface InstanceState {
  /** The service its samples are kept under; `null` while it never said. */
  readonly service: string | null;
  readonly status: InstanceStatus;
}

/** What one scan changes, worked out before anything is written. */
export interface FleetDiff {
  readonly events: HistoryEvent[];
  /**
   * Per row: the service its samples are kept under. An unreachable instance rarely says which
   * service it runs, so it stays with the service it was last seen in: a service's history then
   * shows its unreachable instances instead of losing them to "(unknown)".
   */
  readonly rowService: readonly (string | null)[];
  /** Rows whose instance is new, or whose status or service changed. */
  readonly changedRows: readonly number[];
  /** Instances that were present and are not listed any more. */
  readonly goneIps: readonly string[];
  /** Services whose status changes (`null`: gone). */
  readonly services: ReadonlyMap<string, ServiceStatus | null>;
  /** True when an instance appeared, left, or moved to another service: who is where changed. */
  readonly moved: boolean;
}

/**
 * The present fleet as the history knows it, to turn each scan into transitions. It holds only
 * what is present now, so memory follows the fleet, never the instances ever seen.
 */
export class FleetState {
  readonly instances = new Map<string, InstanceState>();
  /** Present services and their status in the last scan. */
  readonly services = new Map<string, ServiceStatus>();
  /**
   * False until a scan has been applied (or state loaded): the very first scan sets the
   * baseline, rather than reporting every instance of the fleet as having appeared.
   */
  known = false;
  /**
   * The last applied scan by row. A steady fleet lists the same IPs in the same order scan
   * after scan: then rows are compared by index, without a lookup per instance (a 100k-instance
   * scan: ~2 ms instead of ~100).
   */
  #rows:
    | {
        readonly ips: string;
        readonly status: Uint8Array;
        readonly service: readonly (string | null)[];
      }
    | undefined;

  /** What `scan` changes (its IPs, in row order, from `ips` when needed); nothing is applied yet. */
  diff(scan: ScanRecord, ips: () => readonly string[]): FleetDiff {
    const events: HistoryEvent[] = [];
    const rowService: (string | null)[] = new Array(scan.count);
    const changedRows: number[] = [];
    const rows = this.#rows?.ips === scan.ips ? this.#rows : undefined;
    const list = rows === undefined ? ips() : undefined;
    const tallies = new Map<string, { healthy: number; instances: number }>();
    let moved = false;
    for (let i = 0; i < scan.count; i++) {
      let previous: InstanceState | undefined;
      if (rows !== undefined) {
        const status = statusOfCode(rows.status[i] ?? 0);
        previous = status === undefined ? undefined : { service: rows.service[i] ?? null, status };
      } else {
        previous = this.instances.get(list?.[i] as string);
      }
      const service = serviceOfRow(scan, i) ?? previous?.service ?? null;
      const status = statusOfRow(scan, i);
      rowService[i] = service;
      if (service !== null) {
        let tally = tallies.get(service);
        if (tally === undefined) {
          tally = { healthy: 0, instances: 0 };
          tallies.set(service, tally);
        }
        tally.instances++;
        if (status === 'healthy') tally.healthy++;
      }
      if (previous?.status === status && previous.service === service) continue;
      changedRows.push(i);
      if (previous?.service !== service) moved = true;
      if (!this.known || previous?.status === status) continue;
      events.push({
        ts: scan.ts,
        scope: 'instance',
        subject: (list ?? ips())[i] as string,
        service,
        kind: previous === undefined ? 'appeared' : 'changed',
        from: previous?.status ?? null,
        to: status,
        cpu: percentOf(scan.cpu[i]),
        memory: percentOf(scan.memory[i]),
        healthy: null,
        instances: null,
        reason: scan.reasons.get(i) ?? null,
      });
    }
    const goneIps: string[] = [];
    if (list !== undefined && this.instances.size > 0) {
      const seen = new Set(list);
      for (const [ip, previous] of this.instances) {
        if (seen.has(ip)) continue;
        goneIps.push(ip);
        events.push(instanceGone(scan.ts, ip, previous));
      }
    }
    moved ||= goneIps.length > 0;
    const services = new Map<string, ServiceStatus | null>();
    for (const [name, tally] of tallies) {
      const status: ServiceStatus = tally.healthy >= scan.minHealthy ? 'ok' : 'flagged';
      const previous = this.services.get(name);
      if (previous === status) continue;
      services.set(name, status);
      if (!this.known) continue;
      const kind = previous === undefined ? 'appeared' : 'changed';
      events.push(serviceEvent(scan.ts, name, kind, previous ?? null, status, tally));
    }
    for (const [name, previous] of this.services) {
      if (tallies.has(name)) continue;
      services.set(name, null);
      events.push(serviceEvent(scan.ts, name, 'gone', previous, null, undefined));
    }
    return { events, rowService, changedRows, goneIps, services, moved };
  }

  /** Makes `diff` (of `scan`, whose IPs `ips` gives) the present state. */
  apply(scan: ScanRecord, ips: () => readonly string[], diff: FleetDiff): void {
    if (diff.changedRows.length > 0) {
      const list = ips();
      for (const i of diff.changedRows) {
        this.instances.set(list[i] as string, {
          service: diff.rowService[i] ?? null,
          status: statusOfRow(scan, i),
        });
      }
    }
    for (const ip of diff.goneIps) this.instances.delete(ip);
    for (const [name, state] of diff.services) {
      if (state === null) this.services.delete(name);
      else this.services.set(name, state);
    }
    this.#rows = { ips: scan.ips, status: scan.status, service: diff.rowService };
    this.known = true;
  }
}

function instanceGone(ts: number, ip: string, previous: InstanceState): HistoryEvent {
  return {
    ts,
    scope: 'instance',
    subject: ip,
    service: previous.service,
    kind: 'gone',
    from: previous.status,
    to: null,
    cpu: null,
    memory: null,
    healthy: null,
    instances: null,
    reason: null,
  };
}

function serviceEvent(
  ts: number,
  name: string,
  kind: HistoryEvent['kind'],
  from: ServiceStatus | null,
  to: ServiceStatus | null,
  tally: { healthy: number; instances: number } | undefined,
): HistoryEvent {
  return {
    ts,
    scope: 'service',
    subject: name,
    service: name,
    kind,
    from,
    to,
    cpu: null,
    memory: null,
    healthy: tally?.healthy ?? null,
    instances: tally?.instances ?? null,
    reason: null,
  };
}

function percentOf(centi: number | undefined): number | null {
  return centi === undefined || centi === NO_VALUE ? null : centi / 100;
}
