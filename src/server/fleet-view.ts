import { sortInstances } from '../core/instances.ts';
import { healthOf, summarizeServices } from '../core/services.ts';
import { toInstanceRow } from '../core/status.ts';
import type { HealthRow, HealthRules, InstanceRow, ServiceRow, Snapshot } from '../core/types.ts';

/** One completed scan as the server shows it: the CLI's rows, plus their JSON made once. */
export interface FleetView {
  /** 1 for the first completed scan, then counting up. */
  readonly seq: number;
  /** Epoch ms when the scan started. */
  readonly scannedAt: number;
  readonly durationMs: number;
  /** Sorted by IP, like `fleetmon instances`. */
  readonly instances: readonly InstanceRow[];
  readonly services: readonly ServiceRow[];
  readonly health: readonly HealthRow[];
  /** Bodies of the unfiltered API answers, serialised once per scan rather than per request. */
  readonly json: { readonly instances: string; readonly services: string; readonly health: string };
}

/** What the live stream sends after each scan: everything but the instance rows. */
export interface ScanEvent {
  readonly seq: number;
  readonly scannedAt: number;
  readonly durationMs: number;
  readonly instances: number;
  readonly services: readonly ServiceRow[];
  readonly health: readonly HealthRow[];
}

/** Turns a snapshot into the rows `instances`, `services` and `health -o json` print. */
export function buildFleetView(snapshot: Snapshot, rules: HealthRules, seq: number): FleetView {
  const rows = snapshot.readings.map((reading) => toInstanceRow(reading, rules));
  const instances = sortInstances(rows, { field: 'ip', descending: false });
  const services = summarizeServices(instances, rules);
  const health = healthOf(services, rules);
  return {
    seq,
    scannedAt: snapshot.startedAt,
    durationMs: snapshot.durationMs,
    instances,
    services,
    health,
    json: {
      instances: JSON.stringify(instances),
      services: JSON.stringify(services),
      health: JSON.stringify(health),
    },
  };
}

/** The live-stream event for a view. */
export function scanEventOf(view: FleetView): ScanEvent {
  return {
    seq: view.seq,
    scannedAt: view.scannedAt,
    durationMs: view.durationMs,
    instances: view.instances.length,
    services: view.services,
    health: view.health,
  };
}
