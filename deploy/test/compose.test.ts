import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ROOT, readRepoFile, runOk } from './tools.ts';

interface Service {
  readonly image?: string;
  readonly build?: string;
  readonly ports?: readonly string[];
  readonly volumes?: readonly string[];
  readonly healthcheck?: { test: readonly string[] };
  readonly depends_on?: Record<string, { condition: string }>;
  readonly read_only?: boolean;
  readonly cap_drop?: readonly string[];
}

async function services(): Promise<Record<string, Service>> {
  return (
    parse(await readRepoFile('compose.yaml'), { merge: true }) as {
      services: Record<string, Service>;
    }
  ).services;
}

// dclint's style rules (key and service order, quoting) are left out; the schema and the rest stay.
const STYLE_RULES = [
  'service-keys-order',
  'services-alphabetical-order',
  'service-dependencies-alphabetical-order',
  'top-level-properties-order',
  'require-quotes-in-ports',
  // Three services share one image built from the repository: image names what build makes.
  'no-build-and-image',
];

describe('compose.yaml', () => {
  it('is valid against the Compose Specification (dclint)', async () => {
    await runOk(process.execPath, [
      'node_modules/dclint/bin/dclint.cjs',
      'compose.yaml',
      '--disable-rule',
      ...STYLE_RULES,
    ]);
  });

  it('starts fleetmon after PostgreSQL is healthy (pg_isready) and migrations have run', async () => {
    const all = await services();
    assert.deepEqual(all.postgres?.healthcheck?.test.slice(0, 2), ['CMD', 'pg_isready']);
    assert.equal(all.migrate?.depends_on?.postgres?.condition, 'service_healthy');
    assert.deepEqual(all.fleetmon?.depends_on, {
      provider: { condition: 'service_healthy' },
      postgres: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
    });
  });

  it('runs the simulated provider with faults, Prometheus, Alertmanager and Grafana', async () => {
    const all = await services();
    const mock = all.provider as unknown as { command: string[] };
    assert.equal(mock.command[0], 'mock');
    assert.ok(mock.command.some((arg) => /^--(error|malformed|hang)-rate=/.test(arg)));
    for (const name of ['prometheus', 'alertmanager', 'grafana']) assert.ok(all[name]?.image, name);
    for (const name of ['provider', 'migrate', 'fleetmon']) {
      assert.equal(all[name]?.image, 'fleetmon:local');
      assert.equal(all[name]?.build, '.');
      assert.equal(all[name]?.read_only, true, name);
      assert.deepEqual(all[name]?.cap_drop, ['ALL'], name);
    }
  });

  it('publishes ports on 127.0.0.1 only, and mounts files that exist', async () => {
    for (const [name, service] of Object.entries(await services())) {
      for (const port of service.ports ?? []) assert.match(port, /^127\.0\.0\.1:/, name);
      for (const volume of service.volumes ?? []) {
        if (!volume.startsWith('./')) continue;
        await access(`${ROOT}${volume.split(':')[0]}`);
      }
    }
  });
});
