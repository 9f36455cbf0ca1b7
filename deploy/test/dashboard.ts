import { readRepoFile } from './tools.ts';

/** The fleet dashboard's file. */
const DASHBOARD = 'deploy/grafana/dashboards/fleetmon.json';

/** One PromQL query of a panel, with Grafana's variables replaced by what Grafana would send. */
export interface PanelQuery {
  readonly panel: string;
  readonly expr: string;
}

export interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly gridPos: {
    readonly h: number;
    readonly w: number;
    readonly x: number;
    readonly y: number;
  };
  readonly targets?: readonly { readonly expr: string; readonly refId: string }[];
}

/** The dashboard as Grafana reads it. */
export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly panels: readonly Panel[];
  readonly templating: {
    readonly list: readonly { readonly name: string; readonly type: string }[];
  };
}

export async function readDashboard(): Promise<Dashboard> {
  return JSON.parse(await readRepoFile(DASHBOARD)) as Dashboard;
}

// All services, a 1m rate window: what the dashboard sends with its defaults.
const VARIABLES: Record<string, string> = {
  service: '.*',
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
};

/** Every panel's queries, variables substituted. */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      panel: `${panel.title} (${target.refId})`,
      expr: target.expr.replace(
        /\$\{?(\w+)\}?/g,
        (whole, name: string) => VARIABLES[name] ?? whole,
      ),
    })),
  );
}
