import type { ProbeFailure, ProbeResult, ProbeVerdict } from '../../core/probe-types.ts';
import { DEFAULT_PROBE_LIMIT, type ProbeHistory } from '../probe-history.ts';
import type { SqlDriver, SqlRow, SqlTx } from './driver.ts';

/** Probe results in the `probes` and `probe_results` tables. */
export class SqlProbeHistory implements ProbeHistory {
  readonly #driver: SqlDriver;
  /** Runs `fn` in a write transaction as the store's writer; `undefined` on standby. */
  readonly #asWriter: <T>(fn: (tx: SqlTx) => Promise<T>) => Promise<T | undefined>;

  constructor(
    driver: SqlDriver,
    asWriter: <T>(fn: (tx: SqlTx) => Promise<T>) => Promise<T | undefined>,
  ) {
    this.#driver = driver;
    this.#asWriter = asWriter;
  }

  async appendProbeResults(results: readonly ProbeResult[]): Promise<boolean> {
    if (results.length === 0) return true;
    const done = await this.#asWriter(async (tx) => {
      const urls = new Map(results.map((r) => [r.probe, r.url]));
      const probes = await tx.insertMany<{ id: number; name: string }>({
        table: 'probes',
        columns: [
          ['name', 'text'],
          ['url', 'text'],
        ],
        rows: [...urls].map(([name, url]) => [name, url]),
        conflict: 'ON CONFLICT (name) DO UPDATE SET url = excluded.url',
        returning: 'id, name',
      });
      const ids = new Map(probes.map((p) => [p.name, Number(p.id)]));
      await tx.insertMany({
        table: 'probe_results',
        columns: [
          ['probe_id', 'bigint'],
          ['ts', 'bigint'],
          ['ok', 'int'],
          ['verdict', 'text'],
          ['status', 'int'],
          ['latency_ms', 'real'],
          ['offset_ms', 'real'],
          ['uncertainty_ms', 'real'],
          ['failure', 'text'],
          ['reason', 'text'],
        ],
        rows: results.map((r) => [
          ids.get(r.probe) ?? null,
          // Whole ms, as the column holds: probes time their start with the µs wall clock.
          Math.round(r.ts),
          r.ok ? 1 : 0,
          r.verdict,
          r.status,
          r.latencyMs,
          r.offsetMs,
          r.uncertaintyMs,
          r.failure,
          r.reason,
        ]),
        conflict: 'ON CONFLICT DO NOTHING',
      });
      return true;
    });
    return done === true;
  }

  async probeResults(
    probe: string,
    from: number,
    to: number,
    limit = DEFAULT_PROBE_LIMIT,
  ): Promise<ProbeResult[]> {
    const rows = await this.#driver.all(
      `SELECT p.name, p.url, r.ts, r.ok, r.verdict, r.status, r.latency_ms, r.offset_ms,
              r.uncertainty_ms, r.failure, r.reason
       FROM probe_results r JOIN probes p ON p.id = r.probe_id
       WHERE p.name = ? AND r.ts >= ? AND r.ts < ? ORDER BY r.ts LIMIT ?`,
      [probe, from, to, limit],
    );
    return rows.map(resultOf);
  }

  async probeNames(): Promise<string[]> {
    const rows = await this.#driver.all<{ name: string }>(
      'SELECT name FROM probes p WHERE EXISTS (SELECT 1 FROM probe_results r WHERE r.probe_id = p.id) ORDER BY name',
    );
    return rows.map((row) => row.name);
  }
}

function resultOf(row: SqlRow): ProbeResult {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    probe: String(row.name),
    url: String(row.url),
    ts: Number(row.ts),
    ok: Number(row.ok) === 1,
    verdict: row.verdict as ProbeVerdict,
    status: num(row.status),
    latencyMs: num(row.latency_ms),
    offsetMs: num(row.offset_ms),
    uncertaintyMs: num(row.uncertainty_ms),
    failure: (row.failure as ProbeFailure | null) ?? null,
    reason: (row.reason as string | null) ?? null,
  };
}
