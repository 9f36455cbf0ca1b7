import { formatDuration } from '../core/duration.ts';
import { backoffMs } from './backoff.ts';
import type { Receiver } from './receivers.ts';
import type { Outbox, OutboxEntry } from './store.ts';

/** How a notification ended, as `fleetmon_notifications_total{result}` counts it. */
export type DeliveryResult = 'sent' | 'failed' | 'rejected' | 'expired';
export const DELIVERY_RESULTS: readonly DeliveryResult[] = [
  'sent',
  'failed',
  'rejected',
  'expired',
];

export interface DelivererOptions {
  readonly outbox: Outbox;
  readonly receivers: ReadonlyMap<string, Receiver>;
  /** Per receiver: entries older than this are given up. */
  readonly giveUpAfterMs: (receiver: string) => number;
  readonly now: () => number;
  readonly random: () => number;
  /** Counts each attempt's result. */
  readonly record: (receiver: string, result: DeliveryResult) => void;
  readonly log: (line: string) => void;
  /** Called whenever an attempt has ended: the outbox has changed, look again. */
  readonly settled: () => void;
}

/**
 * Takes notifications out of the outbox and hands them to their receivers: one attempt in flight
 * per receiver (so a receiver that hangs holds up only itself, and never sees a resolve before
 * its firing), retries with backoff or the receiver's Retry-After, and gives up on what is too old.
 */
export class Deliverer {
  readonly #o: DelivererOptions;
  readonly #busy = new Map<string, Promise<void>>();
  /** Receivers whose last attempt failed, with the attempts so far (logged once, not per retry). */
  readonly #failing = new Map<string, number>();
  readonly #stopping = new AbortController();

  constructor(options: DelivererOptions) {
    this.#o = options;
  }

  /** Starts an attempt for each receiver whose oldest entry is due and that is not busy. */
  async pump(): Promise<void> {
    if (this.#stopping.signal.aborted) return;
    const now = this.#o.now();
    for (const entry of await this.#o.outbox.due(now)) {
      const receiver = entry.notification.receiver;
      if (this.#busy.has(receiver)) continue;
      const attempt = this.#attempt(entry)
        .catch((err: unknown) => {
          // The send may have worked: the entry stays, and is sent again (at least once).
          this.#o.log(
            `alerting: could not record a notification to ${receiver} (${err instanceof Error ? err.message : String(err)}); it will be sent again`,
          );
        })
        .finally(() => {
          this.#busy.delete(receiver);
          this.#o.settled();
        });
      this.#busy.set(receiver, attempt);
    }
  }

  /** Attempts in flight. */
  get busy(): number {
    return this.#busy.size;
  }

  /** Resolves once no attempt is in flight. */
  async idle(): Promise<void> {
    while (this.#busy.size > 0) await Promise.all(this.#busy.values());
  }

  /** Aborts attempts in flight (they stay in the outbox) and waits for them to end. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.idle();
  }

  async #attempt(entry: OutboxEntry): Promise<void> {
    const { outbox, log } = this.#o;
    const name = entry.notification.receiver;
    const receiver = this.#o.receivers.get(name);
    const now = this.#o.now();
    if (receiver === undefined) {
      await outbox.giveUp(entry.id, now, 'no such receiver');
      log(`notification to "${name}" given up: no receiver of that name in the config any more`);
      return;
    }
    const giveUpAfter = this.#o.giveUpAfterMs(name);
    if (now - entry.createdAt >= giveUpAfter) {
      await outbox.giveUp(entry.id, now, 'too old');
      this.#o.record(name, 'expired');
      log(
        `error: notification to ${name} given up after ${formatDuration(giveUpAfter)} and ${entry.attempts} attempts (last: ${entry.lastError ?? 'none'}); ${describe(entry)}`,
      );
      return;
    }
    let outcome: Awaited<ReturnType<Receiver['send']>>;
    try {
      outcome = await receiver.send(entry.notification, now, this.#stopping.signal);
    } catch (err) {
      outcome = { kind: 'retry', reason: String(err), retryAfterMs: undefined };
    }
    const done = this.#o.now();
    if (outcome.kind === 'delivered') {
      await outbox.markDelivered(entry.id, done);
      this.#o.record(name, 'sent');
      const failures = this.#failing.get(name);
      if (failures !== undefined) {
        this.#failing.delete(name);
        log(`receiver ${name} delivers again (after ${failures} failed attempts)`);
      }
      return;
    }
    if (outcome.kind === 'rejected') {
      await outbox.giveUp(entry.id, done, outcome.reason);
      this.#o.record(name, 'rejected');
      log(
        `error: ${name} refused a notification (${outcome.reason}); not retried: ${describe(entry)}`,
      );
      return;
    }
    if (this.#stopping.signal.aborted) return;
    const attempts = entry.attempts + 1;
    const delay = outcome.retryAfterMs ?? backoffMs(attempts, this.#o.random);
    await outbox.markFailed(entry.id, done + delay, outcome.reason);
    this.#o.record(name, 'failed');
    const failures = (this.#failing.get(name) ?? 0) + 1;
    this.#failing.set(name, failures);
    if (failures === 1) {
      log(
        `receiver ${name} failing: ${outcome.reason}; retrying with backoff, notifications queued`,
      );
    }
  }
}

function describe(entry: OutboxEntry): string {
  const names = [...new Set(entry.notification.alerts.map((a) => a.labels.alertname))];
  return `${entry.notification.alerts.length} alert(s) of ${names.join(', ')}`;
}
