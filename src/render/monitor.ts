import type { InstanceRow } from '../core/types.ts';
import { instanceRecord, instanceTableLines } from './instances.ts';
import { renderNdjson } from './machine.ts';
import type { RenderOptions } from './options.ts';
import { paint } from './style.ts';
import { plural, sanitize } from './text.ts';

/** One tick of `monitor`: a service's instances as read at `ts`. */
export interface MonitorTick {
  /** Epoch ms when the tick's scan started. */
  readonly ts: number;
  readonly service: string;
  readonly rows: readonly InstanceRow[];
}

/** Formats a tick's time for the block header; injected so output stays deterministic. */
export type TimeFormatter = (ts: number) => string;

/** `2026-11-22 05:10:03Z`: UTC, so the same tick renders the same on every machine. */
export function formatUtcTime(ts: number): string {
  return `${new Date(ts).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/**
 * One ndjson line per instance: `{ts, ip, service, status, cpu, memory}` with `ts` in
 * ISO 8601, plus `error` on unreachable rows.
 */
export function renderMonitorNdjson(tick: MonitorTick): string {
  const ts = new Date(tick.ts).toISOString();
  return renderNdjson(tick.rows.map((row) => ({ ts, ...instanceRecord(row) })));
}

/**
 * One timestamped block for pipes and logs: a header line with the counts, then the
 * instance table. No rule footer: it cannot change between ticks, so it would be noise.
 */
export function renderMonitorTable(
  tick: MonitorTick,
  opts: RenderOptions,
  formatTime: TimeFormatter = formatUtcTime,
): string {
  const healthy = tick.rows.filter((row) => row.status === 'healthy').length;
  const title = `── ${formatTime(tick.ts)} ${sanitize(tick.service)}: ${plural(tick.rows.length, 'instance')}, ${healthy} healthy ──`;
  return `${[paint(title, 'bold', opts.color), ...instanceTableLines(tick.rows, opts)].join('\n')}\n`;
}
