import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { panelQueries, readDashboard } from './dashboard.ts';
import { needTools, readRepoFile, runOk } from './tools.ts';

describe('Grafana dashboard', () => {
  it('loads: a dashboard with a uid, rows of panels that do not overlap', async () => {
    const dashboard = await readDashboard();
    assert.equal(dashboard.uid, 'fleetmon-fleet');
    assert.ok(dashboard.schemaVersion >= 36);
    const ids = new Set(dashboard.panels.map((p) => p.id));
    assert.equal(ids.size, dashboard.panels.length, 'panel ids are unique');
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      const { x, y, w, h } = panel.gridPos;
      assert.ok(x >= 0 && w > 0 && x + w <= 24, `${panel.title}: within 24 columns`);
      for (let row = y; row < y + h; row += 1) {
        for (let col = x; col < x + w; col += 1) {
          assert.ok(!cells.has(`${row},${col}`), `${panel.title} overlaps another panel`);
          cells.add(`${row},${col}`);
        }
      }
    }
  });

  it('queries the provisioned Prometheus through its datasource variable, every panel', async () => {
    const dashboard = await readDashboard();
    const variables = dashboard.templating.list.map((v) => v.name);
    assert.ok(variables.includes('datasource') && variables.includes('service'));
    for (const panel of dashboard.panels) {
      if (panel.type === 'row') continue;
      assert.ok((panel.targets ?? []).length > 0, `${panel.title}: no query`);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax
      assert.deepEqual(panel.datasource, { type: 'prometheus', uid: '${datasource}' }, panel.title);
    }
    const provisioned = parse(
      await readRepoFile('deploy/grafana/provisioning/datasources/prometheus.yaml'),
    ) as { datasources: { type: string; isDefault: boolean }[] };
    assert.ok(provisioned.datasources.some((d) => d.type === 'prometheus' && d.isDefault));
  });

  it('shows the version fleetmon runs (fleetmon_build_info)', async () => {
    const queries = panelQueries(await readDashboard());
    assert.ok(
      queries.some((q) => q.panel.startsWith('Version') && /fleetmon_build_info/.test(q.expr)),
    );
  });

  it('has only valid PromQL in its panels (promtool parses each as a recording rule)', async (t) => {
    if (!needTools(t, { promtool: 'prometheus' })) return;
    const queries = panelQueries(await readDashboard());
    const rules = {
      groups: [
        {
          name: 'dashboard',
          rules: queries.map((q, i) => ({ record: `dashboard:panel_query:${i}`, expr: q.expr })),
        },
      ],
    };
    const dir = await mkdtemp(join(tmpdir(), 'fleetmon-dashboard-'));
    try {
      const file = join(dir, 'queries.yaml');
      await writeFile(file, stringify(rules));
      const out = await runOk('promtool', ['check', 'rules', file]);
      assert.match(out, new RegExp(`SUCCESS: ${queries.length} rules found`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is provisioned where compose.yaml mounts it', async () => {
    const provider = parse(
      await readRepoFile('deploy/grafana/provisioning/dashboards/fleetmon.yaml'),
    ) as { providers: { options: { path: string } }[] };
    const path = provider.providers[0]?.options.path;
    const compose = await readRepoFile('compose.yaml');
    assert.ok(compose.includes(`./deploy/grafana/dashboards:${path}:ro`), `${path}`);
  });
});
