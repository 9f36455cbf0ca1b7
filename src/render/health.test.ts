import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HealthRow, HealthRules } from '../core/types.ts';
import { renderHealth } from './health.ts';
import type { OutputFormat, RenderOptions } from './options.ts';

const rules: HealthRules = { maxCpu: 75, maxMemory: 75, minHealthy: 2 };
const opts = (format: OutputFormat): RenderOptions => ({ format, color: false, rules });

const rows: HealthRow[] = [
  { service: 'UserService', instances: 12, healthy: 9, required: 2, status: 'ok' },
  { service: 'AuthService', instances: 3, healthy: 0, required: 2, status: 'flagged' },
];
const footer =
  '2 services, 1 flagged · healthy = cpu < 75% and memory < 75%; a service needs ≥ 2 healthy instances';

describe('renderHealth', () => {
  it('table: healthy vs required per service', () => {
    assert.equal(
      renderHealth(rows, opts('table')),
      `SERVICE      HEALTHY  REQUIRED  INSTANCES  STATUS
UserService        9         2         12  ok
AuthService        0         2          3  FLAGGED
${footer}
`,
    );
  });

  it('wide adds how many healthy instances are missing', () => {
    assert.equal(
      renderHealth(rows, opts('wide')),
      `SERVICE      HEALTHY  REQUIRED  INSTANCES  MISSING  STATUS
UserService        9         2         12        0  ok
AuthService        0         2          3        2  FLAGGED
${footer}
`,
    );
  });

  it('machine formats in contract key order', () => {
    assert.equal(
      renderHealth(rows.slice(1), opts('json')),
      `[
  {
    "service": "AuthService",
    "instances": 3,
    "healthy": 0,
    "required": 2,
    "status": "flagged"
  }
]
`,
    );
    assert.equal(
      renderHealth(rows, opts('ndjson')),
      `{"service":"UserService","instances":12,"healthy":9,"required":2,"status":"ok"}
{"service":"AuthService","instances":3,"healthy":0,"required":2,"status":"flagged"}
`,
    );
    assert.equal(
      renderHealth(rows, opts('csv')),
      `service,instances,healthy,required,status
UserService,12,9,2,ok
AuthService,3,0,2,flagged
`,
    );
  });

  it('empty inputs', () => {
    assert.equal(
      renderHealth([], opts('table')),
      `no services
0 services, 0 flagged · healthy = cpu < 75% and memory < 75%; a service needs ≥ 2 healthy instances
`,
    );
    assert.equal(renderHealth([], opts('json')), '[]\n');
    assert.equal(renderHealth([], opts('csv')), 'service,instances,healthy,required,status\n');
  });
});
