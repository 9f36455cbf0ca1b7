import type { AlertingInfo } from '../core/store-info.ts';
import type { StoredAlert } from './alert.ts';
import type { Silence } from './silences.ts';
import type { AlertStore, Notification, NotificationLogEntry, OutboxEntry } from './store.ts';

/** Delivered and given-up entries are dropped; at most this many wait per receiver. */
export const MAX_QUEUED_PER_RECEIVER = 10_000;

/**
 * The alert store in memory: everything the interface promises within one process, nothing
 * across a restart. The SQL store keeps the same data in tables (docs/alerts.md).
 */
export class MemoryAlertStore implements AlertStore {
  #nextId = 1;
  /** Per receiver, undelivered entries in enqueue order. */
  readonly #queues = new Map<string, OutboxEntry[]>();
  /** Per receiver, each alert's status in its latest undelivered entry (for de-duplication). */
  readonly #latest = new Map<string, Map<string, { status: string; id: number }>>();
  readonly #alerts = new Map<string, StoredAlert>();
  readonly #log = new Map<string, NotificationLogEntry>();
  readonly #silences = new Map<string, Silence>();

  async enqueue(notification: Notification, now: number): Promise<OutboxEntry | undefined> {
    const queue = this.#queues.get(notification.receiver) ?? [];
    const latest = this.#latest.get(notification.receiver) ?? new Map();
    const alerts = notification.alerts.filter(
      (alert) => latest.get(alert.fingerprint)?.status !== alert.status,
    );
    for (const alert of notification.alerts) {
      const key = `${notification.groupKey}\u0000${alert.fingerprint}`;
      if (alert.status === 'resolved') this.#log.delete(key);
      else {
        this.#log.set(key, {
          groupKey: notification.groupKey,
          fingerprint: alert.fingerprint,
          status: alert.status,
          at: now,
        });
      }
    }
    if (alerts.length === 0) return undefined;
    // A receiver that has been down for days must not grow memory without end: the oldest
    // entries go first (they are the most likely to be given up anyway).
    if (queue.length >= MAX_QUEUED_PER_RECEIVER && queue[0] !== undefined) {
      this.#remove(queue[0].id);
    }
    const entry: OutboxEntry = {
      id: this.#nextId++,
      notification: { ...notification, alerts },
      createdAt: now,
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
    };
    queue.push(entry);
    this.#queues.set(notification.receiver, queue);
    for (const alert of alerts)
      latest.set(alert.fingerprint, { status: alert.status, id: entry.id });
    this.#latest.set(notification.receiver, latest);
    return entry;
  }

  async due(now: number): Promise<OutboxEntry[]> {
    const due: OutboxEntry[] = [];
    for (const queue of this.#queues.values()) {
      const head = queue[0];
      if (head !== undefined && head.nextAttemptAt <= now) due.push(head);
    }
    return due;
  }

  async nextAttemptAt(): Promise<number | undefined> {
    let next: number | undefined;
    for (const queue of this.#queues.values()) {
      const head = queue[0];
      if (head !== undefined && (next === undefined || head.nextAttemptAt < next)) {
        next = head.nextAttemptAt;
      }
    }
    return next;
  }

  async markDelivered(id: number, _now?: number): Promise<void> {
    this.#remove(id);
  }

  async markFailed(id: number, retryAt: number, error: string): Promise<void> {
    for (const queue of this.#queues.values()) {
      const i = queue.findIndex((e) => e.id === id);
      const entry = queue[i];
      if (entry === undefined) continue;
      queue[i] = {
        ...entry,
        attempts: entry.attempts + 1,
        nextAttemptAt: retryAt,
        lastError: error,
      };
      return;
    }
  }

  async giveUp(id: number, _now?: number, _reason?: string): Promise<void> {
    this.#remove(id);
  }

  async queued(): Promise<ReadonlyMap<string, number>> {
    return new Map([...this.#queues].map(([receiver, queue]) => [receiver, queue.length]));
  }

  async loadAlerts(): Promise<StoredAlert[]> {
    return [...this.#alerts.values()];
  }

  async saveAlerts(put: readonly StoredAlert[], remove: readonly string[]): Promise<void> {
    for (const fingerprint of remove) this.#alerts.delete(fingerprint);
    for (const alert of put) this.#alerts.set(alert.fingerprint, alert);
  }

  async loadNotificationLog(): Promise<NotificationLogEntry[]> {
    return [...this.#log.values()];
  }

  async loadSilences(): Promise<Silence[]> {
    return [...this.#silences.values()];
  }

  async saveSilence(silence: Silence): Promise<void> {
    this.#silences.set(silence.id, silence);
  }

  async deleteSilences(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.#silences.delete(id);
  }

  /** What `store info` shows of it at `now`. */
  async info(now: number): Promise<AlertingInfo> {
    const states = [...this.#alerts.values()].map((a) => a.state);
    return {
      firing: states.filter((s) => s === 'firing').length,
      pending: states.filter((s) => s === 'pending').length,
      queued: [...this.#queues.values()].reduce((n, queue) => n + queue.length, 0),
      silences: [...this.#silences.values()].filter((s) => s.endsAt > now).length,
    };
  }

  async close(): Promise<void> {}

  #remove(id: number): void {
    for (const [receiver, queue] of this.#queues) {
      const i = queue.findIndex((e) => e.id === id);
      const entry = queue[i];
      if (entry === undefined) continue;
      queue.splice(i, 1);
      // An alert whose latest entry this was has no undelivered entry left after it.
      const latest = this.#latest.get(receiver);
      for (const alert of entry.notification.alerts) {
        if (latest?.get(alert.fingerprint)?.id === id) latest.delete(alert.fingerprint);
      }
      if (queue.length === 0) {
        this.#queues.delete(receiver);
        this.#latest.delete(receiver);
      }
      return;
    }
  }
}
