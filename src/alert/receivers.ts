import { escapeUnprintable } from '../core/printable.ts';
import type { Clock } from '../time/clock.ts';
import { parseRetryAfter } from './backoff.ts';
import type { ReceiverConfig } from './compile.ts';
import { formatLabels } from './format-labels.ts';
import {
  type Agents,
  createAgents,
  type HttpAnswer,
  HttpFailure,
  httpExchange,
} from './http-request.ts';
import { postableAlerts, slackMessage, webhookPayload } from './payload.ts';
import type { Notification } from './store.ts';

/** How one delivery attempt ended. */
export type Outcome =
  | { readonly kind: 'delivered' }
  /** Worth trying again (network error, 429, 5xx); `retryAfterMs` when the receiver said. */
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterMs: number | undefined }
  /** Refused for good (another 4xx, a redirect): trying again would not help. */
  | { readonly kind: 'rejected'; readonly reason: string };

/** Somewhere notifications go. */
export interface Receiver {
  readonly name: string;
  readonly kind: ReceiverConfig['kind'];
  send(n: Notification, now: number, signal: AbortSignal): Promise<Outcome>;
  /** Closes its kept-alive connections. */
  close(): void;
}

/** What receivers need besides their config. */
export interface ReceiverDeps {
  /** The link notifications carry. */
  readonly externalUrl: string;
  /** How often alerts are evaluated; Alertmanager leases are sized from it. */
  readonly intervalMs: number;
  /** Where the log receiver writes. */
  readonly log: (line: string) => void;
  /** Timeouts of the sends. */
  readonly clock: Clock;
}

/** A receiver's answer body is read up to this much; the rest is cut off. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** Builds the receiver a config describes. */
export function createReceiver(config: ReceiverConfig, deps: ReceiverDeps): Receiver {
  if (config.kind === 'log') {
    return {
      name: config.name,
      kind: 'log',
      async send(n) {
        for (const a of n.alerts) {
          const summary = a.annotations.summary ? `: ${a.annotations.summary}` : '';
          deps.log(escapeUnprintable(`alert ${a.status}: ${formatLabels(a.labels)}${summary}`));
        }
        return { kind: 'delivered' };
      },
      close() {},
    };
  }
  const agents: Agents = createAgents();
  const post = async (
    url: string,
    body: unknown,
    headers: Readonly<Record<string, string>>,
    signal: AbortSignal,
    now: number,
  ): Promise<Outcome> => {
    try {
      const answer = await httpExchange(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        timeoutMs: config.timeoutMs,
        clock: deps.clock,
        maxBodyBytes: MAX_ANSWER_BYTES,
        signal,
        agents,
      });
      return outcomeOf(answer, now);
    } catch (err) {
      const reason = err instanceof HttpFailure ? err.message : String(err);
      return { kind: 'retry', reason, retryAfterMs: undefined };
    }
  };
  const close = () => agents.destroy();
  switch (config.kind) {
    case 'webhook':
      return {
        name: config.name,
        kind: 'webhook',
        send: (n, now, signal) =>
          post(
            config.url,
            webhookPayload(n, deps.externalUrl, config.maxAlerts),
            config.headers,
            signal,
            now,
          ),
        close,
      };
    case 'slack':
      return {
        name: config.name,
        kind: 'slack',
        send: (n, now, signal) =>
          post(config.url, slackMessage(n, deps.externalUrl, config.channel), {}, signal, now),
        close,
      };
    case 'alertmanager': {
      // As Prometheus sizes it: four resends (or evaluations) before Alertmanager gives up on us.
      const leaseMs = 4 * Math.max(config.resendMs, deps.intervalMs);
      const url = `${config.url.replace(/\/+$/, '')}/api/v2/alerts`;
      return {
        name: config.name,
        kind: 'alertmanager',
        send: (n, now, signal) =>
          post(url, postableAlerts(n, deps.externalUrl, now, leaseMs), config.headers, signal, now),
        close,
      };
    }
  }
}

/** 2xx delivered; 429 and 5xx retried (honouring Retry-After); anything else refused. */
export function outcomeOf(answer: HttpAnswer, now: number): Outcome {
  const { status } = answer;
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  const said = escapeUnprintable(firstLine(answer.body));
  const reason = `HTTP ${status}${said === '' ? '' : `: ${said}`}`;
  if (status === 429 || status >= 500) {
    const header = answer.headers['retry-after'];
    return {
      kind: 'retry',
      reason,
      retryAfterMs: parseRetryAfter(Array.isArray(header) ? header[0] : header, now),
    };
  }
  return { kind: 'rejected', reason };
}

/** The start of an answer's body, printable, for a log line. */
function firstLine(body: string): string {
  const clean = (body.split(/\r?\n/, 1)[0] ?? '').trim();
  return clean.length > 120 ? `${clean.slice(0, 120)}…` : clean;
}
