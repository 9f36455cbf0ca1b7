import type { HistoryEvent } from '../../core/history-types.ts';
import type { SqlRow } from './driver.ts';

/** The columns {@link eventOf} reads. */
export const EVENT_COLUMNS =
  'ts, scope, subject, service, kind, from_state, to_state, cpu, memory, healthy, instances, reason';

/** An `events` row as a {@link HistoryEvent}. */
export function eventOf(row: SqlRow): HistoryEvent {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    ts: Number(row.ts),
    scope: row.scope as HistoryEvent['scope'],
    subject: String(row.subject),
    service: (row.service as string | null) || null,
    kind: row.kind as HistoryEvent['kind'],
    from: (row.from_state as HistoryEvent['from']) ?? null,
    to: (row.to_state as HistoryEvent['to']) ?? null,
    cpu: num(row.cpu),
    memory: num(row.memory),
    healthy: num(row.healthy),
    instances: num(row.instances),
    reason: (row.reason as string | null) ?? null,
  };
}
