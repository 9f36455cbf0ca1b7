import type { AlertRow, AlertState, Labels } from '../core/alert-types.ts';
import type { FlapWindow } from './anti-flap.ts';

/** One alert at one moment: what the dispatcher routes and the store keeps. Times in epoch ms. */
export interface Alert {
  /** Of `labels`; see fingerprint.ts. */
  readonly fingerprint: string;
  /** The rule's name (`alertname`). */
  readonly rule: string;
  /** Identity within the rule: a service, an instance's IP, a probe's name. */
  readonly key: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly state: AlertState;
  readonly activeAt: number;
  readonly startsAt: number | null;
  readonly endsAt: number | null;
  readonly flapping: boolean;
}

/** What the store keeps of an alert so a restart neither pages again nor forgets to resolve. */
export interface StoredAlert extends Alert {
  readonly window: FlapWindow;
  readonly okStreak: number;
}

/** An alert that changed state (or, while firing, its annotations) in an evaluation. */
export interface Transition {
  readonly alert: Alert;
  /** `inactive`: it was not being tracked before. */
  readonly from: AlertState | 'inactive';
  /** `inactive`: a pending alert that ended without firing. */
  readonly to: AlertState | 'inactive';
}

/** Why an alert's notifications are held now, if they are. */
export interface Muting {
  readonly silencedBy: readonly string[];
  readonly maintenance: string | null;
}

export const NOT_MUTED: Muting = { silencedBy: [], maintenance: null };

/** The API's and CLI's row of an alert. */
export function alertRow(alert: Alert, muting: Muting): AlertRow {
  return {
    fingerprint: alert.fingerprint,
    alertname: alert.rule,
    state: alert.state,
    severity: alert.labels.severity ?? '',
    labels: alert.labels,
    annotations: alert.annotations,
    activeAt: new Date(alert.activeAt).toISOString(),
    startsAt: alert.startsAt === null ? null : new Date(alert.startsAt).toISOString(),
    endsAt: alert.endsAt === null ? null : new Date(alert.endsAt).toISOString(),
    flapping: alert.flapping,
    silencedBy: muting.silencedBy,
    maintenance: muting.maintenance,
  };
}
