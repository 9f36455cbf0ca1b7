// Kustomize reads only files under a kustomization's own directory, so the Kubernetes
// components carry the alert rules of deploy/prometheus/rules.yaml in their own files:
// a copy for the plain Prometheus and a PrometheusRule for the Prometheus Operator.
//   node scripts/deploy-sync.ts           writes them
//   node scripts/deploy-sync.ts --check   exits 1 when they are out of date (npm run test:deploy)
import { readFile, writeFile } from 'node:fs/promises';

const SOURCE = 'deploy/prometheus/rules.yaml';
const HEADER = `# Generated from ${SOURCE} by \`npm run deploy:sync\`: edit that file, not this one.\n`;

const PROMETHEUS_RULE = `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: fleetmon
  labels:
    app.kubernetes.io/name: fleetmon
spec:
`;

/**
 * The files to write, by path, from the rules file's text. The PrometheusRule takes the
 * `groups:` block as text, indented under `spec:`: shifting every line alike keeps the meaning of
 * block scalars and the comments, where a YAML library's re-rendering of folded scalars did not.
 */
function renderRuleCopies(rules: string): Map<string, string> {
  const lines = rules.split('\n');
  const start = lines.findIndex((line) => line.startsWith('groups:'));
  if (start < 0) throw new Error(`${SOURCE}: no top-level groups:`);
  const groups = lines
    .slice(start)
    .map((line) => (line === '' ? '' : `  ${line}`))
    .join('\n');
  return new Map([
    ['deploy/k8s/components/prometheus/rules.yaml', `${HEADER}${rules}`],
    [
      'deploy/k8s/components/prometheus-operator/prometheus-rule.yaml',
      `${HEADER}${PROMETHEUS_RULE}${groups}`,
    ],
  ]);
}

const check = process.argv.includes('--check');
const copies = renderRuleCopies(await readFile(SOURCE, 'utf8'));
const stale: string[] = [];
for (const [path, text] of copies) {
  const current = await readFile(path, 'utf8').catch(() => '');
  if (current === text) continue;
  if (check) stale.push(path);
  else await writeFile(path, text);
}
if (stale.length > 0) {
  process.stderr.write(`deploy-sync: out of date: ${stale.join(', ')}; run npm run deploy:sync\n`);
  process.exitCode = 1;
}
