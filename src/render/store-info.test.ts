import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoreInfo } from '../core/store-info.ts';
import { renderStoreInfo } from './store-info.ts';

const T = Date.UTC(2026, 11, 6, 3, 0);
const at = (ts: number) => new Date(ts).toISOString().slice(0, 19).replace('T', ' ');
const DAY = 86_400_000;
const info: StoreInfo = {
  backend: 'sqlite',
  location: '/var/lib/fleetmon/history.db',
  schema: { version: 1, latest: 2 },
  sizeBytes: 5 * 1024 ** 2,
  retention: {
    raw: 2 * DAY,
    minute: 30 * DAY,
    hour: 400 * DAY,
    events: 30 * DAY,
    probes: 30 * DAY,
  },
  scans: { rows: 2, oldest: T, newest: T + 15_000 },
  tiers: [
    { tier: 'raw', rows: 24, samples: 300, oldest: T, newest: T + 15_000 },
    { tier: 'minute', rows: 0, samples: 0, oldest: null, newest: null, rolledUntil: T },
    { tier: 'hour', rows: 0, samples: 0, oldest: null, newest: null, rolledUntil: 0 },
  ],
  events: { rows: 3, oldest: T, newest: T },
  probeResults: { rows: 0, oldest: null, newest: null },
  instances: { present: 150, known: 152 },
  services: { present: 12, known: 12 },
  alerting: { firing: 2, pending: 1, queued: 1, silences: 0 },
  writer: null,
};

describe('renderStoreInfo', () => {
  it('shows the facts and a table of tiers, and says when the schema is behind', () => {
    const out = renderStoreInfo(info, { format: 'table', color: false }, at);
    assert.match(out, /^backend {4}sqlite$/m);
    assert.match(out, /^schema {5}1 \(this fleetmon has 2: run fleetmon migrate\)$/m);
    assert.match(out, /^size {7}5\.0 MiB$/m);
    assert.match(out, /^writer {5}none now$/m);
    assert.match(
      out,
      /^alerting {3}2 firing, 1 pending · 1 notification queued · 0 silences in force or to come$/m,
    );
    assert.match(
      out,
      /^retention {2}raw 2d · minutes 30d · hours 400d · events 30d · probes 30d$/m,
    );
    assert.match(out, /^raw +24 +300 +2026-12-06 03:00:00 +2026-12-06 03:00:15$/m);
    assert.match(out, /^minute +0 +0 +- +- +2026-12-06 03:00:00$/m);
  });

  it('gives machines one JSON object with ISO 8601 times', () => {
    const json = JSON.parse(renderStoreInfo(info, { format: 'json', color: false }, at));
    assert.equal(json.scans.oldest, '2026-12-06T03:00:00.000Z');
    assert.equal(json.tiers[1].rolledUntil, '2026-12-06T03:00:00.000Z');
    assert.equal(json.sizeBytes, 5 * 1024 ** 2);
    assert.deepEqual(json.alerting, { firing: 2, pending: 1, queued: 1, silences: 0 });
  });
});
