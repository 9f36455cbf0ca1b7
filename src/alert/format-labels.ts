import type { Labels } from '../core/alert-types.ts';

/** `InstanceUnreachable{instance="10.0.0.1", service="Payment"}`, as Prometheus prints alerts. */
export function formatLabels(labels: Labels): string {
  const { alertname = '', ...rest } = labels;
  const pairs = Object.keys(rest)
    .sort()
    .map((name) => `${name}=${JSON.stringify(rest[name])}`);
  return `${alertname}{${pairs.join(', ')}}`;
}
