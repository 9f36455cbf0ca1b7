import type { Context } from 'hono';
import { formatDuration, parseDuration } from '../core/duration.ts';
import { isFleetmonError } from '../core/errors.ts';
import type { HistoryTarget } from '../core/history-types.ts';
import type { HistoryReader } from '../store/history.ts';
import { autoStep, MAX_POINTS } from '../store/plan.ts';
import { classifyStoreError } from '../store/store-error.ts';
import { errorBody } from './errors.ts';
import { BadQuery, limitParam, timeParam } from './query.ts';

/** Ranges up to this long are answered per scan unless a step is asked for. */
const RAW_UP_TO_MS = 3_600_000;
/** Without `from`, the last hour. */
const DEFAULT_RANGE_MS = 3_600_000;
/** Auto steps aim at about this many points: a chart's width. */
const AUTO_POINTS = 1500;
const EVENTS_LIMIT = 1000;
/** Busiest instances per metric an answer may carry: each is a line as long as the series. */
const MAX_MEMBERS = 50;

/** Describes the route in `/api/v1`. */
export const HISTORY_ENDPOINT =
  '/api/v1/history?service=NAME|ip=IP&from=T&to=T&step=raw|auto|1m&members=N&events=1 (T: ISO 8601, epoch ms, or a duration back such as 6h)';

/**
 * `GET /api/v1/history`: a service's or an instance's series (`from` inclusive, `to` exclusive,
 * one point per scan or per `step`), its busiest `members` as lines, and with `events=1` its
 * transitions. `since=T` (exclusive) is the incremental form the dashboard uses.
 */
export async function historyAnswer(
  c: Context,
  history: HistoryReader,
  now: number,
): Promise<Response> {
  const target = targetParam(c);
  if (target === undefined) {
    const known = await history.services();
    return c.json(
      errorBody(
        400,
        `service or ip is required, e.g. ?service=${known[0] ?? 'NAME'}; known services: ${known.join(', ') || 'none yet'}`,
      ),
      400,
    );
  }
  const to = timeParam(c.req.query('to'), 'to', now) ?? now + 1;
  const since = timeParam(c.req.query('since'), 'since', now);
  const from =
    since === undefined
      ? (timeParam(c.req.query('from'), 'from', now) ?? to - DEFAULT_RANGE_MS)
      : since + 1;
  if (from >= to) throw new BadQuery('from must be before to');
  const stepMs = stepParam(c.req.query('step'), to - from);
  const members = limitParam(c.req.query('members'));
  if (members !== undefined && members > MAX_MEMBERS) {
    throw new BadQuery(
      `members ${members} is too many; at most ${MAX_MEMBERS} lines by cpu and ${MAX_MEMBERS} by memory`,
    );
  }
  try {
    const series = await history.series({
      target,
      from,
      to,
      stepMs,
      ...(members === undefined ? {} : { members }),
    });
    if (series === undefined) {
      const known = target.kind === 'service' ? await history.services() : [];
      return c.json(
        errorBody(
          404,
          target.kind === 'service'
            ? `no history for service "${target.service}"; known services: ${known.join(', ') || 'none yet'}`
            : `no history for ${target.ip}`,
        ),
        404,
      );
    }
    const events =
      c.req.query('events') === '1'
        ? await history.events({ target, from, to, limit: EVENTS_LIMIT })
        : undefined;
    return c.json({
      ...series,
      instances: series.samples.map((n, i) => {
        const scans = series.scans[i] ?? 0;
        return scans === 0 ? 0 : Math.round((n / scans) * 100) / 100;
      }),
      windowMs: to - from,
      ...(events === undefined ? {} : { events }),
    });
  } catch (err) {
    if (isFleetmonError(err) && err.code === 'usage') {
      return c.json(errorBody(400, `${err.message}${err.hint ? `; ${err.hint}` : ''}`), 400);
    }
    const failure = classifyStoreError(err, 'history store');
    if (failure.kind === 'internal') throw err;
    c.header('Retry-After', '10');
    return c.json(
      errorBody(503, `${failure.message}; live data goes on, history comes back with the store`),
      503,
    );
  }
}

function targetParam(c: Context): HistoryTarget | undefined {
  const service = c.req.query('service')?.trim() ?? '';
  const ip = c.req.query('ip')?.trim() ?? '';
  if (service !== '' && ip !== '') throw new BadQuery('give service or ip, not both');
  if (service !== '') return { kind: 'service', service };
  if (ip !== '') return { kind: 'instance', ip };
  return undefined;
}

/** `raw`: every scan; `auto` (or none): every scan up to an hour, then about 1,500 points. */
function stepParam(value: string | undefined, rangeMs: number): number | null {
  const text = value?.trim().toLowerCase() ?? '';
  if (text === 'raw') return null;
  if (text === '' || text === 'auto')
    return rangeMs <= RAW_UP_TO_MS ? null : autoStep(rangeMs, AUTO_POINTS);
  const ms = parseDuration(text);
  if (ms === null || ms < 1000) {
    throw new BadQuery(
      `step "${value}" is not valid; expected raw, auto, or a duration of 1s or more such as 1m`,
    );
  }
  if (rangeMs / ms > MAX_POINTS) {
    throw new BadQuery(
      `step ${formatDuration(ms)} over ${formatDuration(rangeMs)} is more than ${MAX_POINTS} points; use a larger step`,
    );
  }
  return ms;
}
