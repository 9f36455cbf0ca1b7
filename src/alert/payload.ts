// The bodies receivers get: Alertmanager's webhook payload (version 4), Slack's incoming-webhook
// message, and the alerts Alertmanager's `POST /api/v2/alerts` takes.
import type { Labels } from '../core/alert-types.ts';
import type { Notification } from './store.ts';

/** Go's zero time: what Alertmanager's webhook sends as `endsAt` of a firing alert. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Alertmanager's webhook payload, version 4. */
export interface WebhookPayload {
  readonly version: '4';
  readonly groupKey: string;
  readonly truncatedAlerts: number;
  readonly status: 'firing' | 'resolved';
  readonly receiver: string;
  readonly groupLabels: Labels;
  readonly commonLabels: Labels;
  readonly commonAnnotations: Labels;
  readonly externalURL: string;
  readonly alerts: readonly {
    readonly status: 'firing' | 'resolved';
    readonly labels: Labels;
    readonly annotations: Labels;
    readonly startsAt: string;
    readonly endsAt: string;
    readonly generatorURL: string;
    readonly fingerprint: string;
  }[];
}

/** The webhook body; `maxAlerts` > 0 keeps that many alerts and counts the rest as truncated. */
export function webhookPayload(
  n: Notification,
  externalUrl: string,
  maxAlerts: number,
): WebhookPayload {
  const kept = maxAlerts > 0 ? n.alerts.slice(0, maxAlerts) : n.alerts;
  return {
    version: '4',
    groupKey: n.groupKey,
    truncatedAlerts: n.alerts.length - kept.length,
    status: statusOf(n),
    receiver: n.receiver,
    groupLabels: n.groupLabels,
    commonLabels: common(n.alerts.map((a) => a.labels)),
    commonAnnotations: common(n.alerts.map((a) => a.annotations)),
    externalURL: externalUrl,
    alerts: kept.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: iso(a.startsAt),
      endsAt: a.endsAt === null ? ZERO_TIME : iso(a.endsAt),
      generatorURL: externalUrl,
      fingerprint: a.fingerprint,
    })),
  };
}

/** An alert as Alertmanager's `POST /api/v2/alerts` takes it. */
export interface PostableAlert {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
}

/**
 * The push to Alertmanager: a firing alert ends `leaseMs` from now unless pushed again (as
 * Prometheus does), so an Alertmanager that stops hearing from fleetmon resolves it by itself.
 */
export function postableAlerts(
  n: Notification,
  externalUrl: string,
  now: number,
  leaseMs: number,
): PostableAlert[] {
  return n.alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: iso(a.startsAt),
    endsAt: iso(a.endsAt ?? now + leaseMs),
    generatorURL: externalUrl,
  }));
}

/** Slack shows at most this many alerts of a notification, then "and N more". */
const SLACK_MAX_ALERTS = 20;

/** A Slack incoming-webhook message: one line of verdict, then one line per alert. */
export function slackMessage(
  n: Notification,
  externalUrl: string,
  channel: string | undefined,
): Record<string, unknown> {
  const firing = n.alerts.filter((a) => a.status === 'firing');
  const resolved = n.alerts.filter((a) => a.status === 'resolved');
  const name = n.alerts[0]?.labels.alertname ?? 'alerts';
  const groupText = Object.entries(n.groupLabels)
    .filter(([k]) => k !== 'alertname')
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const heading = [
    firing.length > 0 ? `[FIRING:${firing.length}]` : '',
    resolved.length > 0 ? `[RESOLVED:${resolved.length}]` : '',
  ]
    .filter((s) => s !== '')
    .join(' ');
  const lines = [
    `${firing.length > 0 ? ':rotating_light:' : ':white_check_mark:'} *${escapeMrkdwn(`${heading} ${name}`)}*${groupText === '' ? '' : ` (${escapeMrkdwn(groupText)})`}`,
  ];
  for (const a of n.alerts.slice(0, SLACK_MAX_ALERTS)) {
    const summary = a.annotations.summary ?? a.labels.alertname ?? a.fingerprint;
    lines.push(`• ${a.status === 'firing' ? 'firing' : 'resolved'}: ${escapeMrkdwn(summary)}`);
  }
  if (n.alerts.length > SLACK_MAX_ALERTS) {
    lines.push(`… and ${n.alerts.length - SLACK_MAX_ALERTS} more`);
  }
  lines.push(`<${externalUrl}|fleetmon dashboard>`);
  return {
    text: lines.join('\n'),
    ...(channel === undefined ? {} : { channel }),
  };
}

function statusOf(n: Notification): 'firing' | 'resolved' {
  return n.alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
}

/** Pairs every set has, with the same value. */
function common(sets: readonly Labels[]): Labels {
  const [first, ...rest] = sets;
  if (first === undefined) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) {
    if (rest.every((s) => s[k] === v)) out[k] = v;
  }
  return out;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Slack's mrkdwn needs &, < and > escaped; text from the provider goes in only this way. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
