-- Alerting's state (src/alert/store.ts): the outbox, what receivers were told, the alerts, silences.
CREATE TABLE alert_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  receiver TEXT NOT NULL,
  group_key TEXT NOT NULL,
  notification TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT
);
CREATE INDEX alert_outbox_receiver ON alert_outbox (receiver, id);

-- Per receiver and alert, the status in its latest undelivered entry (for de-duplication).
CREATE TABLE alert_outbox_latest (
  receiver TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status TEXT NOT NULL,
  entry_id INTEGER NOT NULL,
  PRIMARY KEY (receiver, fingerprint)
);
CREATE INDEX alert_outbox_latest_entry ON alert_outbox_latest (entry_id);

CREATE TABLE alert_notification_log (
  group_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status TEXT NOT NULL,
  told_at INTEGER NOT NULL,
  PRIMARY KEY (group_key, fingerprint)
);

CREATE TABLE alert_state (
  fingerprint TEXT PRIMARY KEY,
  rule TEXT NOT NULL,
  key TEXT NOT NULL,
  labels TEXT NOT NULL,
  annotations TEXT NOT NULL,
  state TEXT NOT NULL,
  active_at INTEGER NOT NULL,
  starts_at INTEGER,
  ends_at INTEGER,
  flapping INTEGER NOT NULL,
  window_bits INTEGER NOT NULL,
  window_count INTEGER NOT NULL,
  ok_streak INTEGER NOT NULL
);

CREATE TABLE silences (
  id TEXT PRIMARY KEY,
  matchers TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  comment TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
