import type {
  EventsQuery,
  HistoryEvent,
  HistorySeries,
  HistoryTarget,
  SeriesQuery,
} from '../../core/history-types.ts';
import { type Agg, SeriesBuilder } from '../aggregate.ts';
import { decodeRollups, decodeSamples, indexOfId, NO_VALUE, STATUS_CODE } from '../codec.ts';
import { planQuery, type QueryPlan, type Segment, type TierCoverage } from '../plan.ts';
import type { Retention } from '../retention.ts';
import { busiestOfRollups, busiestOfSamples, rollupAgg, sampleAgg } from './blob-aggregates.ts';
import type { SqlDriver, SqlValue } from './driver.ts';
import { TIER_NUMBER } from './rollup.ts';
import { EVENT_COLUMNS, eventOf } from './sql-events.ts';
import { UNKNOWN_SERVICE_NAME } from './unknown-service.ts';

interface SummaryRow {
  readonly t: number;
  readonly scans: number;
  readonly samples: number;
  readonly healthy: number;
  readonly unreachable: number;
  readonly cpu_sum: number;
  readonly cpu_min: number | null;
  readonly cpu_max: number | null;
  readonly memory_sum: number;
  readonly memory_min: number | null;
  readonly memory_max: number | null;
}

const SUMMARY = `samples, healthy, unreachable, cpu_sum, cpu_min, cpu_max, memory_sum, memory_min, memory_max`;

/** Reads series and events back from the SQL tables, from whichever tiers hold each stretch. */
export class SqlHistoryReader {
  readonly #driver: SqlDriver;
  readonly #retention: Retention;
  readonly #now: () => number;

  constructor(driver: SqlDriver, retention: Retention, now: () => number) {
    this.#driver = driver;
    this.#retention = retention;
    this.#now = now;
  }

  async series(query: SeriesQuery): Promise<HistorySeries | undefined> {
    return query.target.kind === 'service'
      ? this.#serviceSeries(query, query.target.service)
      : this.#instanceSeries(query, query.target.ip);
  }

  async events(query: EventsQuery): Promise<HistoryEvent[]> {
    const subject = await this.#subject(query.target);
    if (subject === undefined) return [];
    const [column, value] =
      query.target.kind === 'service' ? ['service', subject.name] : ['subject', query.target.ip];
    const rows = await this.#driver.all(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE ${column} = ? AND ts >= ? AND ts < ? ORDER BY ts, id LIMIT ?`,
      [value, query.from, query.to, query.limit],
    );
    return rows.map(eventOf);
  }

  async services(): Promise<string[]> {
    const rows = await this.#driver.all<{ name: string }>(
      'SELECT name FROM services WHERE name <> ? ORDER BY name',
      [UNKNOWN_SERVICE_NAME],
    );
    return rows.map((row) => row.name);
  }

  /** How far each tier reaches now. */
  async coverage(): Promise<TierCoverage> {
    const rows = await this.#driver.all<{ tier: string; done_until: number }>(
      'SELECT tier, done_until FROM rollup_state',
    );
    const done = (tier: string) => Number(rows.find((r) => r.tier === tier)?.done_until ?? 0);
    const now = this.#now();
    return {
      keptFrom: { raw: now - this.#retention.raw, minute: now - this.#retention.minute },
      rolledUntil: { minute: done('minute'), hour: done('hour') },
    };
  }

  async #serviceSeries(query: SeriesQuery, wanted: string): Promise<HistorySeries | undefined> {
    const service = await this.#serviceByName(wanted);
    if (service === undefined) return undefined;
    const plan = planQuery(query.from, query.to, query.stepMs, await this.coverage());
    const builder = new SeriesBuilder(
      plan.from,
      query.to,
      plan.stepMs,
      await this.#scanTimes(plan, query.to),
    );
    for (const segment of plan.segments) {
      for (const row of await this.#summaries(segment, [service.id]))
        builder.add(Number(row.t), aggOf(row));
    }
    const limit = query.members ?? 0;
    if (limit > 0) await this.#members(builder, plan, service.id, limit);
    return builder.build({ service: service.name }, plan.tier, limit > 0);
  }

  async #instanceSeries(query: SeriesQuery, ip: string): Promise<HistorySeries | undefined> {
    const [instance] = await this.#driver.all<{
      id: number;
      service_id: number | null;
      service: string | null;
    }>(
      'SELECT i.id, i.service_id, s.name AS service FROM instances i LEFT JOIN services s ON s.id = i.service_id WHERE i.ip = ?',
      [ip],
    );
    if (instance === undefined) return undefined;
    const id = Number(instance.id);
    const services = [
      ...(instance.service_id === null ? [] : [Number(instance.service_id)]),
      ...(
        await this.#driver.all<{ service_id: number }>(
          'SELECT service_id FROM instance_services WHERE instance_id = ?',
          [id],
        )
      ).map((row) => Number(row.service_id)),
    ];
    const plan = planQuery(query.from, query.to, query.stepMs, await this.coverage());
    const builder = new SeriesBuilder(
      plan.from,
      query.to,
      plan.stepMs,
      await this.#scanTimes(plan, query.to),
    );
    for (const segment of plan.segments) {
      await this.#eachBlob(segment, services, (ts, data) => {
        const agg = segment.tier === 'raw' ? sampleAgg(data, id) : rollupAgg(data, id);
        if (agg !== undefined) builder.add(ts, agg);
      });
    }
    const service = instance.service === UNKNOWN_SERVICE_NAME ? null : instance.service;
    return builder.build({ service, ip }, plan.tier, false);
  }

  /** The busiest `limit` instances by cpu and by memory at the end of the range, as lines. */
  async #members(
    builder: SeriesBuilder,
    plan: QueryPlan,
    service: number,
    limit: number,
  ): Promise<void> {
    const latest = [...plan.segments].reverse();
    let chosen: number[] = [];
    for (const segment of latest) {
      const [row] = await this.#driver.all<{ data: Uint8Array }>(
        segment.tier === 'raw'
          ? 'SELECT data FROM raw_samples WHERE service_id = ? AND ts >= ? AND ts < ? ORDER BY ts DESC LIMIT 1'
          : 'SELECT data FROM instance_rollups WHERE tier = ? AND service_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket DESC LIMIT 1',
        segment.tier === 'raw'
          ? [service, segment.from, segment.to]
          : [TIER_NUMBER[segment.tier], service, segment.from, segment.to],
      );
      if (row === undefined) continue;
      chosen =
        segment.tier === 'raw'
          ? busiestOfSamples(row.data, limit)
          : busiestOfRollups(row.data, limit);
      break;
    }
    if (chosen.length === 0) return;
    const ips = new Map<number, string>();
    for (const r of await this.#driver.all<{ id: number; ip: string }>(
      `SELECT id, ip FROM instances WHERE id IN (${chosen.map(() => '?').join(', ')})`,
      chosen,
    )) {
      ips.set(Number(r.id), r.ip);
    }
    for (const segment of plan.segments) {
      await this.#eachBlob(segment, [service], (ts, data) => {
        if (segment.tier === 'raw') {
          const columns = decodeSamples(data);
          for (const [id, ip] of ips) {
            const k = indexOfId(columns.ids, id);
            if (k < 0 || columns.status[k] === STATUS_CODE.unreachable) continue;
            const cpu = columns.cpu[k] ?? NO_VALUE;
            const memory = columns.memory[k] ?? NO_VALUE;
            if (cpu !== NO_VALUE && memory !== NO_VALUE) builder.addMember(ip, ts, cpu, memory, 1);
          }
        } else {
          const columns = decodeRollups(data);
          for (const [id, ip] of ips) {
            const k = indexOfId(columns.ids, id);
            if (k < 0) continue;
            const n = (columns.samples[k] ?? 0) - (columns.unreachable[k] ?? 0);
            builder.addMember(ip, ts, columns.cpuSum[k] ?? 0, columns.memorySum[k] ?? 0, n);
          }
        }
      });
    }
  }

  /** Per-scan points: every scan in range, so a scan without the target shows as a gap. */
  async #scanTimes(plan: QueryPlan, to: number): Promise<number[]> {
    if (plan.stepMs !== null) return [];
    const rows = await this.#driver.all<{ ts: number }>(
      'SELECT ts FROM scans WHERE ts >= ? AND ts < ? ORDER BY ts',
      [plan.from, to],
    );
    return rows.map((row) => Number(row.ts));
  }

  async #summaries(segment: Segment, services: readonly number[]): Promise<SummaryRow[]> {
    const list = services.map(() => '?').join(', ');
    if (segment.tier === 'raw') {
      return this.#driver.all<SummaryRow & Record<string, unknown>>(
        `SELECT ts AS t, 1 AS scans, ${SUMMARY} FROM raw_samples WHERE service_id IN (${list}) AND ts >= ? AND ts < ?`,
        [...services, segment.from, segment.to],
      );
    }
    return this.#driver.all<SummaryRow & Record<string, unknown>>(
      `SELECT bucket AS t, scans, ${SUMMARY} FROM service_rollups WHERE tier = ? AND service_id IN (${list}) AND bucket >= ? AND bucket < ?`,
      [TIER_NUMBER[segment.tier], ...services, segment.from, segment.to],
    );
  }

  async #eachBlob(
    segment: Segment,
    services: readonly number[],
    each: (ts: number, data: Uint8Array) => void,
  ): Promise<void> {
    if (services.length === 0) return;
    const list = services.map(() => '?').join(', ');
    const params: SqlValue[] =
      segment.tier === 'raw'
        ? [...services, segment.from, segment.to]
        : [TIER_NUMBER[segment.tier], ...services, segment.from, segment.to];
    const rows = await this.#driver.all<{ t: number; data: Uint8Array }>(
      segment.tier === 'raw'
        ? `SELECT ts AS t, data FROM raw_samples WHERE service_id IN (${list}) AND ts >= ? AND ts < ?`
        : `SELECT bucket AS t, data FROM instance_rollups WHERE tier = ? AND service_id IN (${list}) AND bucket >= ? AND bucket < ?`,
      params,
    );
    for (const row of rows) each(Number(row.t), row.data);
  }

  async #serviceByName(name: string): Promise<{ id: number; name: string } | undefined> {
    if (name === UNKNOWN_SERVICE_NAME) return undefined;
    let rows = await this.#driver.all<{ id: number; name: string }>(
      'SELECT id, name FROM services WHERE name = ?',
      [name],
    );
    if (rows.length === 0) {
      rows = await this.#driver.all<{ id: number; name: string }>(
        'SELECT id, name FROM services WHERE lower(name) = lower(?)',
        [name],
      );
    }
    const [row] = rows;
    return rows.length === 1 && row !== undefined
      ? { id: Number(row.id), name: row.name }
      : undefined;
  }

  async #subject(target: HistoryTarget): Promise<{ name: string } | undefined> {
    if (target.kind === 'service') return this.#serviceByName(target.service);
    const rows = await this.#driver.all('SELECT id FROM instances WHERE ip = ?', [target.ip]);
    return rows.length > 0 ? { name: target.ip } : undefined;
  }
}

function aggOf(row: SummaryRow): Agg {
  return {
    scans: Number(row.scans),
    samples: Number(row.samples),
    healthy: Number(row.healthy),
    unreachable: Number(row.unreachable),
    cpuSum: Number(row.cpu_sum),
    cpuMin: row.cpu_min === null ? Number.POSITIVE_INFINITY : Number(row.cpu_min),
    cpuMax: row.cpu_max === null ? Number.NEGATIVE_INFINITY : Number(row.cpu_max),
    memorySum: Number(row.memory_sum),
    memoryMin: row.memory_min === null ? Number.POSITIVE_INFINITY : Number(row.memory_min),
    memoryMax: row.memory_max === null ? Number.NEGATIVE_INFINITY : Number(row.memory_max),
  };
}
