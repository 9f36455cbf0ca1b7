import type { StoredAlert } from '../../alert/alert.ts';
import { MAX_QUEUED_PER_RECEIVER } from '../../alert/memory-store.ts';
import type { Silence } from '../../alert/silences.ts';
import type {
  AlertStore,
  Notification,
  NotificationLogEntry,
  OutboxEntry,
} from '../../alert/store.ts';
import type { Labels } from '../../core/alert-types.ts';
import type { SqlDriver, SqlRow, SqlTx, SqlValue } from './driver.ts';

/** Runs `fn` in a write transaction as the store's writer; `undefined` on standby. */
type AsWriter = <T>(fn: (tx: SqlTx) => Promise<T>) => Promise<T | undefined>;
/** Runs `fn` in a write transaction whoever the writer is (after migrating). */
type Write = <T>(fn: (tx: SqlTx) => Promise<T>) => Promise<T>;

/** `IN (…)` lists are cut into chunks of this many values. */
const CHUNK = 500;

/** Thrown when this replica writes alerting's state but another one holds the role. */
export class NotNotifierError extends Error {
  constructor() {
    super('another replica holds the notifier role');
  }
}

/**
 * Alerting's tables (migration 0003_alerts): the outbox, the notification log, the alerts'
 * state and the silences. Whatever decides what is sent (the outbox and the alert state) is
 * written only by the store's writer, which is the notifier; a silence may be added on any
 * replica. Reads see committed data, so a replica taking over sees its predecessor's outbox.
 */
export class SqlAlertStore implements AlertStore {
  readonly #driver: SqlDriver;
  readonly #asWriter: AsWriter;
  readonly #write: Write;

  constructor(driver: SqlDriver, asWriter: AsWriter, write: Write) {
    this.#driver = driver;
    this.#asWriter = asWriter;
    this.#write = write;
  }

  enqueue(notification: Notification, now: number): Promise<OutboxEntry | undefined> {
    return this.#asNotifier(async (tx) => {
      const { receiver, groupKey } = notification;
      const fingerprints = notification.alerts.map((a) => a.fingerprint);
      await deleteIn(
        tx,
        'alert_notification_log WHERE group_key = ? AND',
        'fingerprint',
        [groupKey],
        notification.alerts.filter((a) => a.status === 'resolved').map((a) => a.fingerprint),
      );
      await tx.insertMany({
        table: 'alert_notification_log',
        columns: [
          ['group_key', 'text'],
          ['fingerprint', 'text'],
          ['status', 'text'],
          ['told_at', 'bigint'],
        ],
        rows: notification.alerts
          .filter((a) => a.status !== 'resolved')
          .map((a) => [groupKey, a.fingerprint, a.status, now]),
        conflict:
          'ON CONFLICT (group_key, fingerprint) DO UPDATE SET status = excluded.status, told_at = excluded.told_at',
      });
      const latest = new Map<string, string>();
      for (const part of chunks(fingerprints)) {
        const rows = await tx.all<{ fingerprint: string; status: string }>(
          `SELECT fingerprint, status FROM alert_outbox_latest WHERE receiver = ? AND fingerprint IN (${marks(part)})`,
          [receiver, ...part],
        );
        for (const row of rows) latest.set(row.fingerprint, row.status);
      }
      const alerts = notification.alerts.filter((a) => latest.get(a.fingerprint) !== a.status);
      if (alerts.length === 0) return undefined;
      // A receiver down for days must not grow the table without end: the oldest entry goes.
      const [count] = await tx.all<{ n: number }>(
        'SELECT count(*) AS n FROM alert_outbox WHERE receiver = ?',
        [receiver],
      );
      if (Number(count?.n ?? 0) >= MAX_QUEUED_PER_RECEIVER) {
        const [oldest] = await tx.all<{ id: number }>(
          'SELECT min(id) AS id FROM alert_outbox WHERE receiver = ?',
          [receiver],
        );
        if (oldest?.id != null) await removeEntry(tx, Number(oldest.id));
      }
      const stored: Notification = { ...notification, alerts };
      const [row] = await tx.all<{ id: number }>(
        `INSERT INTO alert_outbox (receiver, group_key, notification, created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id`,
        [receiver, groupKey, JSON.stringify(stored), now, now],
      );
      const id = Number(row?.id);
      await tx.insertMany({
        table: 'alert_outbox_latest',
        columns: [
          ['receiver', 'text'],
          ['fingerprint', 'text'],
          ['status', 'text'],
          ['entry_id', 'bigint'],
        ],
        rows: alerts.map((a) => [receiver, a.fingerprint, a.status, id]),
        conflict:
          'ON CONFLICT (receiver, fingerprint) DO UPDATE SET status = excluded.status, entry_id = excluded.entry_id',
      });
      return {
        id,
        notification: stored,
        createdAt: now,
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
      };
    });
  }

  async due(now: number): Promise<OutboxEntry[]> {
    const rows = await this.#driver.all<OutboxRow>(
      `${HEADS} WHERE o.next_attempt_at <= ? ORDER BY o.id`,
      [now],
    );
    return rows.map(outboxEntry);
  }

  async nextAttemptAt(): Promise<number | undefined> {
    const [row] = await this.#driver.all<{ at: number | null }>(
      `SELECT min(o.next_attempt_at) AS at FROM (${HEADS}) o`,
    );
    return row?.at == null ? undefined : Number(row.at);
  }

  // Marking what happened to an attempt needs no role: it is true whoever holds it now.
  async markDelivered(id: number): Promise<void> {
    await this.#write((tx) => removeEntry(tx, id));
  }

  async markFailed(id: number, retryAt: number, error: string): Promise<void> {
    await this.#write((tx) =>
      tx.run(
        'UPDATE alert_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?',
        [retryAt, error, id],
      ),
    );
  }

  async giveUp(id: number): Promise<void> {
    await this.#write((tx) => removeEntry(tx, id));
  }

  async queued(): Promise<ReadonlyMap<string, number>> {
    const rows = await this.#driver.all<{ receiver: string; n: number }>(
      'SELECT receiver, count(*) AS n FROM alert_outbox GROUP BY receiver',
    );
    return new Map(rows.map((r) => [r.receiver, Number(r.n)]));
  }

  async loadAlerts(): Promise<StoredAlert[]> {
    const rows = await this.#driver.all<AlertStateRow>(
      'SELECT * FROM alert_state ORDER BY fingerprint',
    );
    return rows.map(storedAlert);
  }

  async saveAlerts(put: readonly StoredAlert[], remove: readonly string[]): Promise<void> {
    if (put.length === 0 && remove.length === 0) return;
    await this.#asNotifier(async (tx) => {
      await deleteIn(tx, 'alert_state WHERE', 'fingerprint', [], remove);
      await tx.insertMany({
        table: 'alert_state',
        columns: ALERT_COLUMNS,
        rows: put.map(alertValues),
        conflict: `ON CONFLICT (fingerprint) DO UPDATE SET ${ALERT_COLUMNS.slice(1)
          .map(([name]) => `${name} = excluded.${name}`)
          .join(', ')}`,
      });
    });
  }

  async loadNotificationLog(): Promise<NotificationLogEntry[]> {
    const rows = await this.#driver.all<{
      group_key: string;
      fingerprint: string;
      status: string;
      told_at: number;
    }>('SELECT group_key, fingerprint, status, told_at FROM alert_notification_log');
    return rows.map((r) => ({
      groupKey: r.group_key,
      fingerprint: r.fingerprint,
      status: r.status === 'resolved' ? 'resolved' : 'firing',
      at: Number(r.told_at),
    }));
  }

  async loadSilences(): Promise<Silence[]> {
    const rows = await this.#driver.all<SilenceRowSql>('SELECT * FROM silences ORDER BY id');
    return rows.map((r) => ({
      id: r.id,
      matchers: JSON.parse(r.matchers) as string[],
      startsAt: Number(r.starts_at),
      endsAt: Number(r.ends_at),
      createdBy: r.created_by,
      comment: r.comment,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    }));
  }

  async saveSilence(s: Silence): Promise<void> {
    await this.#write((tx) =>
      tx.insertMany({
        table: 'silences',
        columns: SILENCE_COLUMNS,
        rows: [
          [
            s.id,
            JSON.stringify(s.matchers),
            s.startsAt,
            s.endsAt,
            s.createdBy,
            s.comment,
            s.createdAt,
            s.updatedAt,
          ],
        ],
        conflict: `ON CONFLICT (id) DO UPDATE SET ${SILENCE_COLUMNS.slice(1)
          .map(([name]) => `${name} = excluded.${name}`)
          .join(', ')}`,
      }),
    );
  }

  async deleteSilences(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#write((tx) => deleteIn(tx, 'silences WHERE', 'id', [], ids));
  }

  /** The history store owns the connection and closes it. */
  async close(): Promise<void> {}

  async #asNotifier<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    const done = await this.#asWriter(async (tx) => ({ value: await fn(tx) }));
    if (done === undefined) throw new NotNotifierError();
    return done.value;
  }
}

/** Each receiver's oldest undelivered entry. */
const HEADS = `SELECT o.* FROM alert_outbox o
  JOIN (SELECT min(id) AS id FROM alert_outbox GROUP BY receiver) h ON o.id = h.id`;

interface OutboxRow extends SqlRow {
  id: number;
  notification: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

function outboxEntry(row: OutboxRow): OutboxEntry {
  return {
    id: Number(row.id),
    notification: JSON.parse(row.notification) as Notification,
    createdAt: Number(row.created_at),
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    lastError: row.last_error,
  };
}

async function removeEntry(tx: SqlTx, id: number): Promise<void> {
  await tx.run('DELETE FROM alert_outbox_latest WHERE entry_id = ?', [id]);
  await tx.run('DELETE FROM alert_outbox WHERE id = ?', [id]);
}

const ALERT_COLUMNS = [
  ['fingerprint', 'text'],
  ['rule', 'text'],
  ['key', 'text'],
  ['labels', 'text'],
  ['annotations', 'text'],
  ['state', 'text'],
  ['active_at', 'bigint'],
  ['starts_at', 'bigint'],
  ['ends_at', 'bigint'],
  ['flapping', 'int'],
  ['window_bits', 'bigint'],
  ['window_count', 'int'],
  ['ok_streak', 'int'],
] as const;

interface AlertStateRow extends SqlRow {
  fingerprint: string;
  rule: string;
  key: string;
  labels: string;
  annotations: string;
  state: string;
  active_at: number;
  starts_at: number | null;
  ends_at: number | null;
  flapping: number;
  window_bits: number;
  window_count: number;
  ok_streak: number;
}

function alertValues(a: StoredAlert): SqlValue[] {
  return [
    a.fingerprint,
    a.rule,
    a.key,
    JSON.stringify(a.labels),
    JSON.stringify(a.annotations),
    a.state,
    a.activeAt,
    a.startsAt,
    a.endsAt,
    a.flapping ? 1 : 0,
    a.window.bits,
    a.window.count,
    a.okStreak,
  ];
}

function storedAlert(r: AlertStateRow): StoredAlert {
  const nullable = (v: number | null): number | null => (v == null ? null : Number(v));
  return {
    fingerprint: r.fingerprint,
    rule: r.rule,
    key: r.key,
    labels: JSON.parse(r.labels) as Labels,
    annotations: JSON.parse(r.annotations) as Labels,
    state: r.state === 'firing' || r.state === 'resolved' ? r.state : 'pending',
    activeAt: Number(r.active_at),
    startsAt: nullable(r.starts_at),
    endsAt: nullable(r.ends_at),
    flapping: Number(r.flapping) === 1,
    window: { bits: Number(r.window_bits), count: Number(r.window_count) },
    okStreak: Number(r.ok_streak),
  };
}

const SILENCE_COLUMNS = [
  ['id', 'text'],
  ['matchers', 'text'],
  ['starts_at', 'bigint'],
  ['ends_at', 'bigint'],
  ['created_by', 'text'],
  ['comment', 'text'],
  ['created_at', 'bigint'],
  ['updated_at', 'bigint'],
] as const;

interface SilenceRowSql extends SqlRow {
  id: string;
  matchers: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
  created_at: number;
  updated_at: number;
}

/** `DELETE FROM <where> <column> IN (…values)`, in chunks; `params` bind the `where`'s marks. */
async function deleteIn(
  tx: SqlTx,
  where: string,
  column: string,
  params: readonly SqlValue[],
  values: readonly string[],
): Promise<void> {
  for (const part of chunks(values)) {
    await tx.run(`DELETE FROM ${where} ${column} IN (${marks(part)})`, [...params, ...part]);
  }
}

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(values.slice(i, i + CHUNK));
  return out;
}

const marks = (values: readonly unknown[]): string => values.map(() => '?').join(', ');
