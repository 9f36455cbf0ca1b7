import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkConfigText } from '../config/config-file.ts';

/** Every problem `fleetmon config check` would print for this file, as `line:column: message`. */
function problems(text: string): string[] {
  const result = checkConfigText(text, 'fleetmon.yaml');
  return result.ok ? [] : result.problems.map((p) => `${p.line}:${p.column}: ${p.message}`);
}

const EXAMPLE = `
alerts:
  labels: { cluster: prod }
  rules:
    - name: InstanceUnreachable
      failures: 3
      of: 5
    - name: ServiceCpuHigh
      enabled: false
    - name: PaymentSlow
      kind: service-cpu
      threshold: 60
      for: 10m
      match: [service=PaymentService]
      severity: critical
      labels: { team: payments }
      summary: "{{service}} at {{value}}% in {{cluster}} ({{team}})"
  receivers:
    - name: oncall
      webhook: { url: "http://hooks.internal/fleetmon", maxAlerts: 50 }
    - name: chat
      slack: { urlEnv: SLACK_WEBHOOK_URL }
    - name: am
      alertmanager: { url: "http://127.0.0.1:9093" }
  routes:
    - { match: [severity=critical], receiver: oncall, continue: true }
    - { receiver: chat, groupBy: [alertname, service], groupWait: 10s }
  group: { by: [alertname], repeat: 4h }
maintenance:
  - { name: deploys, match: [service=~"Pay.*"], days: [tue, thu], start: "02:00", end: "03:00", timezone: Europe/Berlin }
`;

describe('alerts: and maintenance: in fleetmon.yaml', () => {
  it('accepts a full example', () => {
    assert.deepEqual(problems(EXAMPLE), []);
  });

  it('refuses a template field the rule does not have, at its line and column', () => {
    const text = `alerts:\n  rules:\n    - name: ServiceFlagged\n      summary: "{{service}} down, {{instnce}}"\n`;
    assert.deepEqual(problems(text), [
      '4:16: alerts.rules.0.summary: unknown field {{instnce}} for service-flagged rules; fields: alertname, healthy, instances, required, service, severity, unhealthy, unreachable',
    ]);
  });

  it('says what a rule, receiver or route is missing', () => {
    const text = [
      'alerts:',
      '  rules:',
      '    - { name: Custom }',
      '    - { name: Hot, kind: service-cpu, minHealthy: 3, failures: 4, of: 2 }',
      '  receivers:',
      '    - { name: both, log: {}, slack: { url: "http://x/" } }',
      '    - { name: nourl, webhook: {} }',
      '  routes:',
      '    - { receiver: pager }',
      'maintenance:',
      '  - { name: w, start: "25:00", end: "03:00", timezone: Mars/Olympus }',
    ].join('\n');
    assert.deepEqual(problems(text), [
      '3:7: alerts.rules.0: rule "Custom" needs a kind (one of service-flagged, instance-unreachable, probe-failing, clock-skewed, scans-stale, service-cpu, service-memory), or the name of a built-in rule (ServiceFlagged, InstanceUnreachable, ProbeFailing, ClockSkewed, ScansStale, ServiceCpuHigh, ServiceMemoryHigh)',
      '4:51: alerts.rules.1.minHealthy: minHealthy does not apply to service-cpu rules (they take threshold)',
      '4:64: alerts.rules.1.failures: failures (4) cannot exceed of (2)',
      '6:7: alerts.receivers.0: receiver "both" needs exactly one of webhook, slack, alertmanager, log (it has slack, log)',
      '7:31: alerts.receivers.1.webhook: webhook needs url, or urlEnv naming the environment variable that holds it (not both)',
      '9:19: alerts.routes.0.receiver: no receiver named "pager"; receivers: both, nourl',
      '11:23: maintenance.0.start: expected a time of day HH:MM, e.g. 02:00 or 23:30',
      '11:56: maintenance.0.timezone: expected an IANA time zone such as UTC or Europe/Berlin',
    ]);
  });

  it('refuses bad matchers, label names and URLs where they are written', () => {
    const text = [
      'alerts:',
      '  labels: { 9bad: x }',
      '  receivers: [{ name: h, webhook: { url: "ftp://x" } }]',
      '  routes: [{ receiver: h, match: [service] }]',
    ].join('\n');
    assert.deepEqual(problems(text), [
      // The key's value is what the location points at: the key itself has no node of its own.
      '2:19: alerts.labels.9bad: a label name is letters, digits and _, not starting with a digit',
      '3:42: alerts.receivers.0.webhook.url: expected an http:// or https:// URL',
      '4:35: alerts.routes.0.match.0: "service" is not a matcher; expected name=value, name!=value, name=~regex or name!~regex',
    ]);
  });
});
