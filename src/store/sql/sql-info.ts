import { type AlertingInfo, NO_ALERTING } from '../../core/store-info.ts';
import type { Retention } from '../retention.ts';
import type { Extent, StoreInfo, TierInfo } from '../store.ts';
import type { SqlDriver } from './driver.ts';
import { doneUntil } from './rollup.ts';
import { WRITER_LOCK } from './schema.ts';
import { UNKNOWN_SERVICE_NAME } from './unknown-service.ts';

/** Everything `store info` shows about an SQL store whose schema is current. */
export async function sqlStoreInfo(
  driver: SqlDriver,
  base: Pick<StoreInfo, 'backend' | 'location' | 'schema'>,
  retention: Retention,
  now: number,
): Promise<StoreInfo> {
  const extent = async (sql: string): Promise<Extent & { samples: number }> => {
    const [row] = await driver.all<{
      n: number;
      lo: number | null;
      hi: number | null;
      s: number | null;
    }>(sql);
    return {
      rows: Number(row?.n ?? 0),
      oldest: row?.lo == null ? null : Number(row.lo),
      newest: row?.hi == null ? null : Number(row.hi),
      samples: Number(row?.s ?? 0),
    };
  };
  const rollup = async (tier: 'minute' | 'hour', n: number): Promise<TierInfo> => {
    const services = await extent(
      `SELECT COUNT(*) AS n, MIN(bucket) AS lo, MAX(bucket) AS hi, SUM(samples) AS s FROM service_rollups WHERE tier = ${n}`,
    );
    return { tier, ...services, rolledUntil: await doneUntil(driver, tier) };
  };
  const raw = await extent(
    'SELECT COUNT(*) AS n, MIN(ts) AS lo, MAX(ts) AS hi, SUM(samples) AS s FROM raw_samples',
  );
  const { samples: _s, ...scans } = await extent(
    'SELECT COUNT(*) AS n, MIN(ts) AS lo, MAX(ts) AS hi FROM scans',
  );
  const { samples: _e, ...events } = await extent(
    'SELECT COUNT(*) AS n, MIN(ts) AS lo, MAX(ts) AS hi FROM events',
  );
  // Probe results arrived with schema version 2.
  const { samples: _p, ...probeResults } =
    (base.schema?.version ?? 0) >= 2
      ? await extent('SELECT COUNT(*) AS n, MIN(ts) AS lo, MAX(ts) AS hi FROM probe_results')
      : { rows: 0, oldest: null, newest: null, samples: 0 };
  const count = async (sql: string, params: readonly string[] = []) =>
    Number((await driver.all<{ n: number }>(sql, params))[0]?.n ?? 0);
  return {
    ...base,
    sizeBytes: await driver.sizeBytes(),
    retention,
    scans,
    tiers: [{ tier: 'raw', ...raw }, await rollup('minute', 1), await rollup('hour', 2)],
    events,
    probeResults,
    instances: {
      present: await count('SELECT COUNT(*) AS n FROM instances WHERE status IS NOT NULL'),
      known: await count('SELECT COUNT(*) AS n FROM instances'),
    },
    services: {
      present: await count('SELECT COUNT(*) AS n FROM services WHERE status IS NOT NULL'),
      known: await count('SELECT COUNT(*) AS n FROM services WHERE name <> ?', [
        UNKNOWN_SERVICE_NAME,
      ]),
    },
    alerting: (base.schema?.version ?? 0) >= 3 ? await alertingOf(driver, now) : NO_ALERTING,
    writer: await writerOf(driver, now),
  };
}

/** Alerting's tables arrived with schema version 3. */
async function alertingOf(driver: SqlDriver, now: number): Promise<AlertingInfo> {
  const states = await driver.all<{ state: string; n: number }>(
    'SELECT state, COUNT(*) AS n FROM alert_state GROUP BY state',
  );
  const of = (state: string) => Number(states.find((s) => s.state === state)?.n ?? 0);
  const [queued] = await driver.all<{ n: number }>('SELECT COUNT(*) AS n FROM alert_outbox');
  const [silences] = await driver.all<{ n: number }>(
    'SELECT COUNT(*) AS n FROM silences WHERE ends_at > ?',
    [now],
  );
  return {
    firing: of('firing'),
    pending: of('pending'),
    queued: Number(queued?.n ?? 0),
    silences: Number(silences?.n ?? 0),
  };
}

async function writerOf(driver: SqlDriver, now: number): Promise<StoreInfo['writer']> {
  if (driver.dialect === 'sqlite') {
    const [lease] = await driver.all<{ holder: string; expires_at: number }>(
      'SELECT holder, expires_at FROM writer_lease WHERE id = 1',
    );
    // A lease given up (at shutdown) or run out means nobody writes now.
    return lease === undefined || Number(lease.expires_at) < now
      ? null
      : { holder: lease.holder, until: Number(lease.expires_at) };
  }
  const [holder] = await driver.all<{ app: string; addr: string | null; pid: number }>(
    `SELECT a.application_name AS app, host(a.client_addr) AS addr, a.pid FROM pg_locks l
     JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.classid = 0 AND l.objid = ? AND l.granted`,
    [WRITER_LOCK],
  );
  return holder === undefined
    ? null
    : {
        holder: `${holder.app} (server pid ${holder.pid}, from ${holder.addr ?? 'local socket'})`,
        until: null,
      };
}
