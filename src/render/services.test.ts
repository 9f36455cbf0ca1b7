import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HealthRules, ServiceRow } from '../core/types.ts';
import type { OutputFormat, RenderOptions } from './options.ts';
import { renderServices } from './services.ts';
import { stripAnsi } from './style.ts';

const sgr = (code: number, text: string) => `\u001b[${code}m${text}\u001b[0m`;

const rules: HealthRules = { maxCpu: 75, maxMemory: 75, minHealthy: 2 };
const opts = (format: OutputFormat, extra: Partial<RenderOptions> = {}): RenderOptions => ({
  format,
  color: false,
  rules,
  ...extra,
});

const rows: ServiceRow[] = [
  {
    service: 'UserService',
    instances: 12,
    healthy: 9,
    unhealthy: 2,
    unreachable: 1,
    cpu: 55.25,
    memory: 40,
    status: 'ok',
  },
  {
    service: 'AuthService',
    instances: 3,
    healthy: 1,
    unhealthy: 2,
    unreachable: 0,
    cpu: 80,
    memory: 12.5,
    status: 'flagged',
  },
  {
    service: null,
    instances: 1,
    healthy: 0,
    unhealthy: 0,
    unreachable: 1,
    cpu: null,
    memory: null,
    status: 'flagged',
  },
];

const footer =
  '3 services, 2 flagged · healthy = cpu < 75% and memory < 75%; a service needs ≥ 2 healthy instances';

describe('renderServices', () => {
  it('table: counts, means, FLAGGED readable without colour, (unknown) service', () => {
    assert.equal(
      renderServices(rows, opts('table')),
      `SERVICE      INSTANCES  HEALTHY  UNHEALTHY  UNREACHABLE  AVG CPU  AVG MEMORY  STATUS
UserService         12        9          2            1    55.3%         40%  ok
AuthService          3        1          2            0      80%       12.5%  FLAGGED
(unknown)            1        0          0            1        -           -  FLAGGED
${footer}
`,
    );
  });

  it('wide adds the quorum each service was judged against', () => {
    assert.equal(
      renderServices(rows.slice(0, 1), opts('wide')),
      `SERVICE      INSTANCES  HEALTHY  UNHEALTHY  UNREACHABLE  AVG CPU  AVG MEMORY  REQUIRED  STATUS
UserService         12        9          2            1    55.3%         40%         2  ok
1 service, 0 flagged · healthy = cpu < 75% and memory < 75%; a service needs ≥ 2 healthy instances
`,
    );
  });

  it('with colour: green ok, red FLAGGED, same layout once escapes are stripped', () => {
    const coloured = renderServices(rows, opts('table', { color: true }));
    assert.ok(coloured.includes(sgr(32, 'ok')));
    assert.ok(coloured.includes(sgr(31, 'FLAGGED')));
    assert.equal(stripAnsi(coloured), renderServices(rows, opts('table')));
  });

  it('json and csv keep the contract key order and null for unknown', () => {
    assert.equal(
      renderServices(rows.slice(2), opts('json')),
      `[
  {
    "service": null,
    "instances": 1,
    "healthy": 0,
    "unhealthy": 0,
    "unreachable": 1,
    "cpu": null,
    "memory": null,
    "status": "flagged"
  }
]
`,
    );
    assert.equal(
      renderServices(rows, opts('csv')),
      `service,instances,healthy,unhealthy,unreachable,cpu,memory,status
UserService,12,9,2,1,55.25,40,ok
AuthService,3,1,2,0,80,12.5,flagged
,1,0,0,1,,,flagged
`,
    );
    assert.equal(
      renderServices(rows.slice(0, 1), opts('ndjson')),
      '{"service":"UserService","instances":12,"healthy":9,"unhealthy":2,"unreachable":1,"cpu":55.25,"memory":40,"status":"ok"}\n',
    );
  });

  it('empty inputs', () => {
    assert.equal(
      renderServices([], opts('table', { rules: { maxCpu: 80.5, maxMemory: 90, minHealthy: 1 } })),
      `no services
0 services, 0 flagged · healthy = cpu < 80.5% and memory < 90%; a service needs ≥ 1 healthy instance
`,
    );
    assert.equal(renderServices([], opts('json')), '[]\n');
    assert.equal(
      renderServices([], opts('csv')),
      'service,instances,healthy,unhealthy,unreachable,cpu,memory,status\n',
    );
  });
});
