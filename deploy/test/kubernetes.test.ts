import assert from 'node:assert/strict';
import { before, describe, it, type TestContext } from 'node:test';
import * as prometheusOperator from '@kubernetes-models/prometheus-operator';
import * as kubernetes from 'kubernetes-models';
import { parse, parseAllDocuments } from 'yaml';
import { missingTools, readRepoFile, runOk } from './tools.ts';

// Rendered objects are plain JSON: read them through these few shapes, checked by the schemas.
interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: any;
}
interface Container {
  readonly name: string;
  readonly image: string;
  readonly livenessProbe?: unknown;
  readonly readinessProbe?: unknown;
  readonly resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readonly securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[] };
  };
  readonly env?: readonly { name: string; valueFrom?: any }[];
  readonly envFrom?: readonly { configMapRef?: { name: string } }[];
}

const OVERLAYS = ['dev', 'stage', 'prod'] as const;
type Overlay = (typeof OVERLAYS)[number];

/** Model classes by `apiVersion/kind`, from the validators' packages. */
type Model = new (data: unknown) => { validate(): void };
function modelsOf(namespace: object, into = new Map<string, Model>()): Map<string, Model> {
  for (const value of Object.values(namespace)) {
    if (typeof value === 'function' && 'apiVersion' in value && 'kind' in value) {
      into.set(`${value.apiVersion}/${value.kind}`, value as unknown as Model);
    } else if (typeof value === 'object' && value !== null) {
      modelsOf(value, into);
    }
  }
  return into;
}
const MODELS = modelsOf(prometheusOperator, modelsOf(kubernetes));

const rendered = new Map<Overlay, K8sObject[]>();

/** Why the overlays cannot be rendered here: they are written for kustomize 5 (kubectl 1.27+). */
async function cannotRender(): Promise<string | undefined> {
  if (missingTools('kubectl').length > 0) return 'kubectl not installed (1.27 or newer)';
  const version = JSON.parse(await runOk('kubectl', ['version', '--client', '-o', 'json'])) as {
    clientVersion: { minor: string };
  };
  const minor = Number.parseInt(version.clientVersion.minor, 10);
  return minor >= 27
    ? undefined
    : `kubectl 1.${minor} is too old for kustomize components (need 1.27+)`;
}
let reason: string | undefined;

/** Skips the test, saying why, when the overlays could not be rendered. */
function skipped(t: TestContext): boolean {
  if (reason !== undefined) t.skip(`SKIPPED: ${reason}`);
  return reason !== undefined;
}

function objects(overlay: Overlay, kind?: string): K8sObject[] {
  const all = rendered.get(overlay) ?? [];
  return kind === undefined ? all : all.filter((o) => o.kind === kind);
}

function one(overlay: Overlay, kind: string, name: string): K8sObject {
  const found = objects(overlay, kind).find((o) => o.metadata.name === name);
  assert.ok(found, `${overlay}: no ${kind} ${name}`);
  return found;
}

function containersOf(deployment: K8sObject): Container[] {
  return deployment.spec.template.spec.containers;
}

describe('Kubernetes overlays', () => {
  before(async () => {
    reason = await cannotRender();
    if (reason !== undefined) return;
    for (const overlay of OVERLAYS) {
      const yaml = await runOk('kubectl', ['kustomize', `deploy/k8s/overlays/${overlay}`]);
      rendered.set(
        overlay,
        parseAllDocuments(yaml).map((doc) => doc.toJS() as K8sObject),
      );
    }
  });

  for (const overlay of OVERLAYS) {
    describe(overlay, () => {
      it('renders with kubectl kustomize, every object valid against the Kubernetes schemas', (t) => {
        if (skipped(t)) return;
        assert.ok(objects(overlay).length > 10);
        for (const object of objects(overlay)) {
          const Model = MODELS.get(`${object.apiVersion}/${object.kind}`);
          assert.ok(Model, `${object.apiVersion} ${object.kind}: no schema to check it against`);
          assert.doesNotThrow(
            () => new Model(object).validate(),
            `${object.kind} ${object.metadata.name}`,
          );
        }
      });

      it('puts every namespaced object in the overlay namespace', (t) => {
        if (skipped(t)) return;
        const [namespace, ...others] = objects(overlay, 'Namespace');
        assert.ok(namespace && others.length === 0);
        for (const object of objects(overlay)) {
          if (object.kind === 'Namespace') continue;
          assert.equal(object.metadata.namespace, namespace.metadata.name, object.metadata.name);
        }
      });

      it('gives every container probes, resources and a locked-down security context', (t) => {
        if (skipped(t)) return;
        for (const deployment of objects(overlay, 'Deployment')) {
          const pod = deployment.spec.template.spec;
          assert.equal(pod.securityContext?.runAsNonRoot, true, deployment.metadata.name);
          assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault');
          for (const c of [...(pod.initContainers ?? []), ...pod.containers] as Container[]) {
            const where = `${deployment.metadata.name}/${c.name}`;
            if (pod.containers.includes(c)) {
              assert.ok(c.livenessProbe, `${where}: no liveness probe`);
              assert.ok(c.readinessProbe, `${where}: no readiness probe`);
            }
            for (const kind of ['requests', 'limits'] as const) {
              assert.ok(c.resources?.[kind]?.cpu && c.resources[kind].memory, `${where}: ${kind}`);
            }
            assert.equal(c.securityContext?.allowPrivilegeEscalation, false, where);
            assert.equal(c.securityContext?.readOnlyRootFilesystem, true, where);
            assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL'], where);
          }
        }
      });

      it('checks fleetmon live on /healthz and ready on /readyz, serving through port 80 only', (t) => {
        if (skipped(t)) return;
        const [serve] = containersOf(one(overlay, 'Deployment', 'fleetmon'));
        assert.ok(serve);
        assert.equal((serve.livenessProbe as any).httpGet.path, '/healthz');
        assert.equal((serve.readinessProbe as any).httpGet.path, '/readyz');
        const ports = one(overlay, 'Service', 'fleetmon').spec.ports;
        assert.deepEqual(
          ports.map((p: { port: number }) => p.port),
          [80],
        );
        const ingress = one(overlay, 'Ingress', 'fleetmon').spec.rules[0].http.paths[0].backend;
        assert.equal(ingress.service.name, 'fleetmon');
      });

      it('refers only to ConfigMaps it renders, and to the documented secrets', async (t) => {
        if (skipped(t)) return;
        const configMaps = new Set(objects(overlay, 'ConfigMap').map((c) => c.metadata.name));
        const secrets = new Set<string>();
        for (const deployment of objects(overlay, 'Deployment')) {
          const pod = deployment.spec.template.spec;
          for (const c of [...(pod.initContainers ?? []), ...pod.containers] as Container[]) {
            for (const from of c.envFrom ?? []) {
              if (from.configMapRef) assert.ok(configMaps.has(from.configMapRef.name), c.name);
            }
            for (const e of c.env ?? []) {
              const ref = e.valueFrom?.secretKeyRef;
              if (ref !== undefined) secrets.add(`${ref.name}/${ref.key}`);
            }
          }
          for (const volume of pod.volumes ?? []) {
            if (volume.configMap) assert.ok(configMaps.has(volume.configMap.name), volume.name);
            if (volume.secret) secrets.add(`${volume.secret.secretName}/token`);
          }
        }
        const documented = await readRepoFile('docs/deploy.md');
        for (const secret of secrets) {
          const [name, key] = secret.split('/');
          assert.match(documented, new RegExp(`${name}.*${key}`), `docs/deploy.md: ${secret}`);
        }
      });

      it('runs one image tag for fleetmon, and replicas equal to the autoscaler minimum', (t) => {
        if (skipped(t)) return;
        const fleetmon = one(overlay, 'Deployment', 'fleetmon');
        const pod = fleetmon.spec.template.spec;
        const images = new Set(
          [...pod.initContainers, ...pod.containers].map((c: Container) => c.image),
        );
        assert.equal(images.size, 1);
        assert.match([...images][0] ?? '', /^fleetmon:\d+\.\d+(\.\d+)?$/);
        const hpa = one(overlay, 'HorizontalPodAutoscaler', 'fleetmon').spec;
        assert.equal(hpa.scaleTargetRef.name, 'fleetmon');
        assert.equal(fleetmon.spec.replicas, hpa.minReplicas);
        assert.deepEqual(
          hpa.metrics.map((m: any) => m.resource.name),
          ['cpu', 'memory'],
        );
      });
    });
  }

  it('dev: one replica and no scaling, since its SQLite store is on the pod’s own volume', (t) => {
    if (skipped(t)) return;
    // Two pods would keep two histories and each send every notification.
    const hpa = one('dev', 'HorizontalPodAutoscaler', 'fleetmon').spec;
    assert.deepEqual([hpa.minReplicas, hpa.maxReplicas], [1, 1]);
  });

  it('prod: at least 2 replicas spread over nodes, a PodDisruptionBudget, an autoscaler', (t) => {
    if (skipped(t)) return;
    const fleetmon = one('prod', 'Deployment', 'fleetmon');
    assert.ok(fleetmon.spec.replicas >= 2);
    assert.ok(one('prod', 'HorizontalPodAutoscaler', 'fleetmon').spec.minReplicas >= 2);
    const labels = fleetmon.spec.template.metadata.labels;
    const pdb = one('prod', 'PodDisruptionBudget', 'fleetmon').spec;
    for (const [key, value] of Object.entries(pdb.selector.matchLabels)) {
      assert.equal(labels[key], value);
    }
    assert.ok(pdb.maxUnavailable === 1 || pdb.minAvailable >= 1);
    const spread = fleetmon.spec.template.spec.topologySpreadConstraints;
    assert.ok(
      spread.some(
        (c: any) =>
          c.topologyKey === 'kubernetes.io/hostname' && c.whenUnsatisfiable === 'DoNotSchedule',
      ),
    );
  });

  it('stage and prod need PostgreSQL; dev falls back to SQLite on the pod volume', (t) => {
    if (skipped(t)) return;
    for (const overlay of OVERLAYS) {
      const pod = one(overlay, 'Deployment', 'fleetmon').spec.template.spec;
      for (const c of [...pod.initContainers, ...pod.containers] as Container[]) {
        const url = c.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef;
        assert.equal(url?.optional === true, overlay === 'dev', `${overlay}/${c.name}`);
      }
    }
  });

  it('with the operator: the ServiceMonitor scrapes the Service port, the rules are rules.yaml', async (t) => {
    if (skipped(t)) return;
    const rules = parse(await readRepoFile('deploy/prometheus/rules.yaml'));
    for (const overlay of ['stage', 'prod'] as const) {
      const monitor = one(overlay, 'ServiceMonitor', 'fleetmon').spec;
      const service = one(overlay, 'Service', 'fleetmon');
      assert.deepEqual(monitor.selector.matchLabels, service.spec.selector);
      assert.equal(monitor.endpoints[0].port, service.spec.ports[0].name);
      assert.equal(monitor.endpoints[0].honorLabels, true);
      assert.deepEqual(one(overlay, 'PrometheusRule', 'fleetmon').spec.groups, rules.groups);
    }
  });

  it('without the operator (dev): Prometheus discovers fleetmon pods with its port name', async (t) => {
    if (skipped(t)) return;
    const config = objects('dev', 'ConfigMap').find((c) =>
      c.metadata.name.startsWith('prometheus-config-'),
    );
    assert.ok(config);
    const data = (config as unknown as { data: Record<string, string> }).data;
    const rules = parse(await readRepoFile('deploy/prometheus/rules.yaml'));
    assert.deepEqual(parse(data['rules.yaml'] ?? ''), rules);
    assert.match(data['prometheus.yml'] ?? '', /regex: fleetmon;server;http/);
    const fleetmon = one('dev', 'Deployment', 'fleetmon');
    const labels = fleetmon.spec.template.metadata.labels;
    assert.equal(labels['app.kubernetes.io/name'], 'fleetmon');
    assert.equal(labels['app.kubernetes.io/component'], 'server');
    assert.ok(
      (containersOf(fleetmon)[0] as any).ports.some((p: { name: string }) => p.name === 'http'),
    );
  });
});
