import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { needTools, readRepoFile, runOk } from './tools.ts';

interface Rule {
  readonly alert?: string;
  readonly annotations?: Record<string, string>;
}
interface RuleTest {
  readonly alert_rule_test?: readonly { alertname: string; exp_alerts?: readonly unknown[] }[];
}

const RULES = 'deploy/prometheus/rules.yaml';
const PROMETHEUS = { promtool: 'prometheus' };

async function alertRules(): Promise<Rule[]> {
  const file = parse(await readRepoFile(RULES)) as { groups: { rules: Rule[] }[] };
  return file.groups.flatMap((group) => group.rules).filter((rule) => rule.alert !== undefined);
}

describe('alert rules', () => {
  it('pass promtool check rules', async (t) => {
    if (!needTools(t, PROMETHEUS)) return;
    const out = await runOk('promtool', ['check', 'rules', RULES]);
    assert.match(out, /SUCCESS/);
  });

  it('pass their unit tests (promtool test rules)', async (t) => {
    if (!needTools(t, PROMETHEUS)) return;
    const out = await runOk('promtool', ['test', 'rules', 'deploy/prometheus/rules.test.yaml']);
    assert.match(out, /SUCCESS/);
  });

  it('are each tested both firing and not firing', async () => {
    const tests = parse(await readRepoFile('deploy/prometheus/rules.test.yaml')) as {
      tests: RuleTest[];
    };
    const cases = tests.tests.flatMap((test) => test.alert_rule_test ?? []);
    for (const rule of await alertRules()) {
      const mine = cases.filter((c) => c.alertname === rule.alert);
      assert.ok(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${rule.alert}: no test where it fires`,
      );
      assert.ok(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${rule.alert}: no test where it stays quiet`,
      );
    }
  });

  it('each name a runbook section of docs/operations.md', async () => {
    const runbooks = await readRepoFile('docs/operations.md');
    for (const rule of await alertRules()) {
      const alert = rule.alert ?? '';
      assert.equal(rule.annotations?.runbook, `docs/operations.md#${alert.toLowerCase()}`);
      assert.match(runbooks, new RegExp(`^### ${alert}$`, 'm'), `no section for ${alert}`);
    }
  });

  it('are the same in the Kubernetes components (npm run deploy:sync)', async () => {
    await runOk(process.execPath, ['scripts/deploy-sync.ts', '--check']);
  });

  it('are loaded by every Prometheus configuration, which promtool accepts', async (t) => {
    if (!needTools(t, PROMETHEUS)) return;
    const dir = await mkdtemp(join(tmpdir(), 'fleetmon-prometheus-config-'));
    try {
      for (const config of [
        'deploy/prometheus/prometheus.yml',
        'deploy/k8s/components/prometheus/prometheus.yml',
      ]) {
        let text = await readRepoFile(config);
        assert.match(text, /rule_files:\n\s+- \/etc\/prometheus\/rules\.yaml/);
        if (text.includes('kubernetes_sd_configs')) {
          // Debian builds Prometheus without Kubernetes discovery: promtool checks the rest.
          t.diagnostic(`${config}: kubernetes_sd_configs not checked (Debian's promtool lacks it)`);
          text = text.replace(
            /kubernetes_sd_configs:\n(\s+- role: pod\n\s+namespaces:\n\s+own_namespace: true\n)/,
            (_all, block: string) =>
              `static_configs:\n${' '.repeat(block.indexOf('-'))}- targets: ["fleetmon:8080"]\n`,
          );
        }
        const file = join(dir, 'prometheus.yml');
        await writeFile(file, text);
        await runOk('promtool', ['check', 'config', '--syntax-only', file]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Alertmanager configuration', () => {
  it('passes amtool check-config', async (t) => {
    if (!needTools(t, { amtool: 'prometheus-alertmanager' })) return;
    await runOk('amtool', ['check-config', 'deploy/alertmanager/alertmanager.yml']);
  });
});
