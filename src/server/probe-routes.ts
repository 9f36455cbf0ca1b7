import { Hono } from 'hono';
import { probeRecord, seconds } from '../core/probe-record.ts';
import type { ProbeReader } from '../probe/probe-board.ts';
import { displayUrl } from '../probe/probe-spec.ts';
import { errorBody } from './errors.ts';
import type { ProbeHistoryAnswer, ProbesAnswer } from './probe-answers.ts';
import { timeParam } from './query.ts';

/**
 * `/api/v1/probes`: every configured probe with its last result; `/api/v1/probes/history?probe=`
 * its runs over the window, for charts. Without probes (or without a config file) the list is empty.
 */
export function probeRoutes(probes: ProbeReader | undefined, now: () => number): Hono {
  const api = new Hono();

  api.get('/', (c) => {
    const etag = `"p${probes?.version ?? 0}"`;
    c.header('ETag', etag);
    c.header('Cache-Control', 'no-cache');
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    const answer: ProbesAnswer = {
      windowMs: probes?.windowMs ?? 0,
      probes: (probes?.list() ?? []).map(({ spec, last }) => ({
        name: spec.name,
        url: displayUrl(spec.url),
        method: spec.method,
        intervalSeconds: spec.intervalMs / 1000,
        labels: spec.labels,
        clock:
          spec.clock === undefined
            ? null
            : { maxSkewSeconds: seconds(spec.clock.maxSkewMs ?? null), source: spec.clock.source },
        last: last === undefined ? null : probeRecord(last),
      })),
    };
    return c.json(answer);
  });

  api.get('/history', (c) => {
    const name = c.req.query('probe')?.trim() ?? '';
    const known = (probes?.list() ?? []).map((p) => p.spec.name);
    const names = known.join(', ') || 'none configured';
    if (name === '') {
      return c.json(
        errorBody(400, `probe is required, e.g. ?probe=${known[0] ?? 'NAME'}; probes: ${names}`),
        400,
      );
    }
    const history = probes?.history(
      name,
      timeParam(c.req.query('since'), 'since', now()) ?? Number.NEGATIVE_INFINITY,
    );
    if (history === undefined)
      return c.json(errorBody(404, `no probe named "${name}"; probes: ${names}`), 404);
    const answer: ProbeHistoryAnswer = { probe: name, windowMs: probes?.windowMs ?? 0, ...history };
    return c.json(answer);
  });

  return api;
}
