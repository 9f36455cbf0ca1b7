import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HealthRules, InstanceRow } from '../core/types.ts';
import { renderInstances } from './instances.ts';
import type { OutputFormat, RenderOptions } from './options.ts';
import { stripAnsi } from './style.ts';

const sgr = (code: number, text: string) => `\u001b[${code}m${text}\u001b[0m`;

const rules: HealthRules = { maxCpu: 75, maxMemory: 80.5, minHealthy: 2 };
const opts = (format: OutputFormat, extra: Partial<RenderOptions> = {}): RenderOptions => ({
  format,
  color: false,
  rules,
  ...extra,
});

// Deliberately not in IP order: render must keep the order it is given.
const answered: InstanceRow[] = [
  { ip: '10.58.1.121', service: 'UserService', status: 'healthy', cpu: 61, memory: 4 },
  { ip: '10.58.1.9', service: 'AuthService', status: 'unhealthy', cpu: 74.96, memory: 91.5 },
];
const unreachable: InstanceRow = {
  ip: '10.58.1.120',
  service: null,
  status: 'unreachable',
  cpu: null,
  memory: null,
  error: 'timeout after 2s, 3 attempts',
};
const mixed = [...answered, unreachable];

describe('renderInstances table', () => {
  it('aligns columns, right-aligns numbers and has no REASON when all answered', () => {
    assert.equal(
      renderInstances(answered, opts('table')),
      `IP           SERVICE      STATUS       CPU  MEMORY
10.58.1.121  UserService  healthy      61%      4%
10.58.1.9    AuthService  unhealthy  74.9%   91.5%
2 instances: 1 healthy, 1 unhealthy, 0 unreachable · healthy = cpu < 75% and memory < 80.5%
`,
    );
  });

  it('adds REASON when a row is unreachable and shows unknowns as - and (unknown)', () => {
    assert.equal(
      renderInstances(mixed, opts('table')),
      `IP           SERVICE      STATUS         CPU  MEMORY  REASON
10.58.1.121  UserService  healthy        61%      4%
10.58.1.9    AuthService  unhealthy    74.9%   91.5%
10.58.1.120  (unknown)    unreachable      -       -  timeout after 2s, 3 attempts
3 instances: 1 healthy, 1 unhealthy, 1 unreachable · healthy = cpu < 75% and memory < 80.5%
`,
    );
  });

  it('cuts the reason with … to fit the terminal width', () => {
    const out = renderInstances(mixed, opts('table', { width: 68 }));
    const lines = out.split('\n');
    assert.equal(lines[3], '10.58.1.120  (unknown)    unreachable      -       -  timeout after…');
    for (const line of lines.slice(0, 4)) assert.ok(line.length <= 68, line);
  });

  it('wide always has REASON, empty on rows that answered', () => {
    assert.equal(
      renderInstances(answered, opts('wide')),
      `IP           SERVICE      STATUS       CPU  MEMORY  REASON
10.58.1.121  UserService  healthy      61%      4%
10.58.1.9    AuthService  unhealthy  74.9%   91.5%
2 instances: 1 healthy, 1 unhealthy, 0 unreachable · healthy = cpu < 75% and memory < 80.5%
`,
    );
  });

  it('says so when there is nothing, and still states the rule', () => {
    assert.equal(
      renderInstances([], opts('table')),
      `no instances
0 instances: 0 healthy, 0 unhealthy, 0 unreachable · healthy = cpu < 75% and memory < 80.5%
`,
    );
  });

  it('keeps control characters from the provider out of the terminal', () => {
    const row: InstanceRow = { ...unreachable, error: 'bad\u001b[2Jbody\nnext' };
    const out = renderInstances([row], opts('table'));
    assert.ok(!out.includes('\u001b'));
    assert.equal(
      out.split('\n')[1],
      '10.58.1.120  (unknown)  unreachable    -       -  bad\uFFFD[2Jbody\uFFFDnext',
    );
  });

  it('shows bidi overrides and zero-width characters in service names, not their effect', () => {
    const rows: InstanceRow[] = [
      { ip: '10.0.0.1', service: 'User\u202eecivreS', status: 'healthy', cpu: 1, memory: 2 },
      {
        ip: '10.0.0.2',
        service: 'Pay\u200bment\u2066X\u2069',
        status: 'healthy',
        cpu: 1,
        memory: 2,
      },
      { ip: '10.0.0.3', service: 'Auth\u00ad\ufeff', status: 'healthy', cpu: 1, memory: 2 },
    ];
    const lines = renderInstances(rows, opts('table')).split('\n');
    assert.deepEqual(lines.slice(1, 4), [
      '10.0.0.1  User\uFFFDecivreS  healthy   1%      2%',
      '10.0.0.2  Pay\uFFFDment\uFFFDX\uFFFD   healthy   1%      2%',
      '10.0.0.3  Auth\uFFFD\uFFFD        healthy   1%      2%',
    ]);
  });

  it('with colour: bold header, coloured status, dim footer, alignment on visible width', () => {
    const coloured = renderInstances(mixed, opts('table', { color: true }));
    const b = (text: string) => sgr(1, text);
    // Padding sits outside the escapes, and every painted cell ends with a reset.
    assert.equal(
      coloured,
      `${b('IP')}           ${b('SERVICE')}      ${b('STATUS')}         ${b('CPU')}  ${b('MEMORY')}  ${b('REASON')}
10.58.1.121  UserService  ${sgr(32, 'healthy')}        61%      4%
10.58.1.9    AuthService  ${sgr(33, 'unhealthy')}    74.9%   91.5%
10.58.1.120  (unknown)    ${sgr(31, 'unreachable')}      -       -  timeout after 2s, 3 attempts
${sgr(2, '3 instances: 1 healthy, 1 unhealthy, 1 unreachable · healthy = cpu < 75% and memory < 80.5%')}
`,
    );
    assert.equal(stripAnsi(coloured), renderInstances(mixed, opts('table')));
  });
});

describe('renderInstances machine formats', () => {
  it('json: pretty array, contract key order, null for unknown, error only when unreachable', () => {
    // Keys built out of order on purpose: the output order must come from the contract.
    const shuffled = {
      memory: 4,
      cpu: 61,
      status: 'healthy',
      service: 'UserService',
      ip: '10.58.1.121',
    } as const;
    assert.equal(
      renderInstances([shuffled, unreachable], opts('json', { color: true })),
      `[
  {
    "ip": "10.58.1.121",
    "service": "UserService",
    "status": "healthy",
    "cpu": 61,
    "memory": 4
  },
  {
    "ip": "10.58.1.120",
    "service": null,
    "status": "unreachable",
    "cpu": null,
    "memory": null,
    "error": "timeout after 2s, 3 attempts"
  }
]
`,
    );
  });

  it('ndjson: one compact object per line with raw numbers', () => {
    assert.equal(
      renderInstances(mixed, opts('ndjson', { color: true })),
      `{"ip":"10.58.1.121","service":"UserService","status":"healthy","cpu":61,"memory":4}
{"ip":"10.58.1.9","service":"AuthService","status":"unhealthy","cpu":74.96,"memory":91.5}
{"ip":"10.58.1.120","service":null,"status":"unreachable","cpu":null,"memory":null,"error":"timeout after 2s, 3 attempts"}
`,
    );
  });

  it('csv: header, LF line ends, empty fields for unknown, quoted reason', () => {
    assert.equal(
      renderInstances(mixed, opts('csv', { color: true })),
      `ip,service,status,cpu,memory,error
10.58.1.121,UserService,healthy,61,4,
10.58.1.9,AuthService,unhealthy,74.96,91.5,
10.58.1.120,,unreachable,,,"timeout after 2s, 3 attempts"
`,
    );
  });

  it('empty inputs: [] for json, nothing for ndjson, the header for csv', () => {
    assert.equal(renderInstances([], opts('json')), '[]\n');
    assert.equal(renderInstances([], opts('ndjson')), '');
    assert.equal(renderInstances([], opts('csv')), 'ip,service,status,cpu,memory,error\n');
  });
});
