import { matchServiceName } from './instances.ts';
import { compareIp } from './ip.ts';
import { toInstanceRow } from './status.ts';
import type { InstanceRow, Reading, Thresholds } from './types.ts';

/**
 * Which instances belong to one service, learned scan by scan. The provider only
 * reveals an instance's service in its stats, so the first scan reads everything;
 * later scans read only known members and instances never seen answering.
 */
export class ServiceMembers {
  readonly #wanted: string;
  /** ip → service, for every listed instance whose service is known. */
  #serviceOf = new Map<string, string>();
  #name: string | undefined;

  constructor(wanted: string) {
    this.#wanted = wanted;
  }

  /** The service's name as the provider spells it, once seen. */
  get name(): string | undefined {
    return this.#name;
  }

  /** Services seen so far (for a helpful message when the wanted one is missing). */
  knownServices(): string[] {
    return [...new Set(this.#serviceOf.values())].sort();
  }

  /** The instances of a fresh listing worth reading: members and those of unknown service. */
  targets(listed: readonly string[]): string[] {
    const listedSet = new Set(listed);
    for (const ip of this.#serviceOf.keys()) if (!listedSet.has(ip)) this.#serviceOf.delete(ip);
    return listed.filter((ip) => {
      const service = this.#serviceOf.get(ip);
      return service === undefined || this.#matches(service);
    });
  }

  /** Learns from a scan's readings and returns the service's rows, ordered by IP. */
  rows(readings: readonly Reading[], limits: Thresholds): InstanceRow[] {
    const rows: InstanceRow[] = [];
    for (const reading of readings) {
      const said = reading.ok ? reading.stats.service : reading.service;
      if (said !== null) this.#serviceOf.set(reading.ip, said);
      const service = this.#serviceOf.get(reading.ip);
      if (service === undefined || !this.#matches(service)) continue;
      this.#name ??= service;
      const row = toInstanceRow(reading, limits);
      rows.push(row.service === null ? { ...row, service } : row);
    }
    return rows.sort((a, b) => compareIp(a.ip, b.ip));
  }

  #matches(service: string): boolean {
    return matchServiceName(service, this.#wanted);
  }
}
