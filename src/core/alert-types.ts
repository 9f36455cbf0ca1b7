/** Label names to values, as Prometheus and Alertmanager have them. */
export type Labels = Readonly<Record<string, string>>;

/**
 * Where an alert stands: `pending` (its condition holds, anti-flap not yet satisfied), `firing`,
 * or `resolved` (it fired and is over; kept a while to be seen and for its resolve notice).
 */
export type AlertState = 'pending' | 'firing' | 'resolved';

/**
 * One alert as `fleetmon alerts`, `GET /api/v1/alerts` and the dashboard show it. Times are
 * ISO 8601 (as in Alertmanager's API), `null` when not reached yet.
 */
export interface AlertRow {
  /** 16 hex digits: FNV-1a 64 of the sorted labels, the same as Alertmanager computes. */
  readonly fingerprint: string;
  /** The rule's name, also the `alertname` label. */
  readonly alertname: string;
  readonly state: AlertState;
  readonly severity: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  /** First failing evaluation of this episode. */
  readonly activeAt: string;
  /** When it started firing. */
  readonly startsAt: string | null;
  /** When it resolved. */
  readonly endsAt: string | null;
  /** Its condition changed on most evaluations of its window: held pending, not notified. */
  readonly flapping: boolean;
  /** Active silences that hold its notifications. */
  readonly silencedBy: readonly string[];
  /** The maintenance window that holds its notifications now, if any. */
  readonly maintenance: string | null;
}

/** A silence's place in time. */
export type SilenceState = 'pending' | 'active' | 'expired';

/** One silence as the API and `fleetmon silence list` show it. */
export interface SilenceRow {
  readonly id: string;
  /** Alertmanager's matcher syntax: `service="Payment"`, `severity=~"crit.*"`. */
  readonly matchers: readonly string[];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly comment: string;
  readonly state: SilenceState;
}
