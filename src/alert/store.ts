// What alerting keeps: the outbox of notifications, the alerts' state and what each receiver was
// told, and the silences. In memory today (memory-store.ts); the SQL form (SQLite, PostgreSQL)
// implements the same interface over the tables described in docs/alerts.md. Every method may
// be called again after a failure; nothing here decides what to send.
import type { Labels } from '../core/alert-types.ts';
import type { StoredAlert } from './alert.ts';
import type { Silence } from './silences.ts';

/** One alert inside a notification. Times in epoch ms. */
export interface NotifiedAlert {
  readonly fingerprint: string;
  readonly status: 'firing' | 'resolved';
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly startsAt: number;
  /** When it resolved; `null` while firing (a receiver fills in its own lease). */
  readonly endsAt: number | null;
}

/** What one receiver is told about one group at once. */
export interface Notification {
  readonly receiver: string;
  /** `receiver:route:{labels}`; the same group keeps the same key across restarts. */
  readonly groupKey: string;
  readonly groupLabels: Labels;
  readonly alerts: readonly NotifiedAlert[];
}

/** A notification waiting to be delivered. */
export interface OutboxEntry {
  readonly id: number;
  readonly notification: Notification;
  /** Epoch ms; its age decides when it is given up. */
  readonly createdAt: number;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
}

/** What a group's receiver was last told about one alert (written with the outbox entry). */
export interface NotificationLogEntry {
  readonly groupKey: string;
  readonly fingerprint: string;
  readonly status: 'firing' | 'resolved';
  /** Epoch ms when it was enqueued. */
  readonly at: number;
}

/**
 * Notifications on their way out. Per receiver, entries are delivered in the order they were
 * enqueued (a resolve never overtakes its firing); receivers do not wait for each other.
 */
export interface Outbox {
  /**
   * Adds a notification and, in the same transaction, records in the notification log what
   * the group's receiver is now told about each of its alerts (a resolved alert leaves the
   * log). De-duplicates by fingerprint and status: an alert whose latest undelivered
   * notification to the same receiver has the same status is left out. Returns the entry, or
   * `undefined` when nothing was left to send.
   */
  enqueue(notification: Notification, now: number): Promise<OutboxEntry | undefined>;
  /** Per receiver, its oldest undelivered entry, if that one may be attempted at `now`. */
  due(now: number): Promise<OutboxEntry[]>;
  /** The earliest time any receiver's oldest undelivered entry may be attempted. */
  nextAttemptAt(): Promise<number | undefined>;
  markDelivered(id: number, now: number): Promise<void>;
  /** A failed attempt; the entry is tried again at `retryAt`. */
  markFailed(id: number, retryAt: number, error: string): Promise<void>;
  /** Gives an entry up (too old, or refused by the receiver); it is never tried again. */
  giveUp(id: number, now: number, reason: string): Promise<void>;
  /** Undelivered entries per receiver. */
  queued(): Promise<ReadonlyMap<string, number>>;
}

/** The alerts' state and the notification log, so a restart neither pages again nor forgets. */
export interface AlertStateStore {
  loadAlerts(): Promise<StoredAlert[]>;
  /** Upserts by fingerprint; `remove` lists fingerprints of alerts no longer tracked. */
  saveAlerts(put: readonly StoredAlert[], remove: readonly string[]): Promise<void>;
  loadNotificationLog(): Promise<NotificationLogEntry[]>;
}

export interface SilenceStore {
  loadSilences(): Promise<Silence[]>;
  /** Inserts or replaces by id. */
  saveSilence(silence: Silence): Promise<void>;
  deleteSilences(ids: readonly string[]): Promise<void>;
}

/** Everything alerting keeps, in one place (one database). */
export interface AlertStore extends Outbox, AlertStateStore, SilenceStore {
  close(): Promise<void>;
}
