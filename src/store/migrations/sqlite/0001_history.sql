-- The fleet's history: every scan's samples (raw), per-minute and per-hour rollups, and the
-- transitions between scans (events). Values are hundredths of a percent, so sums stay exact.

-- Services and instances ever seen, with the state of those present (to find transitions).
CREATE TABLE services (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  status TEXT,            -- ok | flagged in the last scan; NULL once gone
  gone_at INTEGER         -- epoch ms it left the fleet; NULL while present
);

CREATE TABLE instances (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: packed samples refer to it
  ip TEXT NOT NULL UNIQUE,
  service_id INTEGER,     -- the service its samples are kept under
  status INTEGER,         -- 1 healthy, 2 unhealthy, 3 unreachable in the last scan; NULL once gone
  gone_at INTEGER
);
CREATE INDEX instances_gone ON instances (gone_at) WHERE gone_at IS NOT NULL;

-- Services an instance's samples were kept under before its present one (instances.service_id),
-- to find them by IP; filled by the trigger when an instance moves.
CREATE TABLE instance_services (
  instance_id INTEGER NOT NULL,
  service_id INTEGER NOT NULL,
  PRIMARY KEY (instance_id, service_id)
) WITHOUT ROWID;

CREATE TRIGGER instance_moved AFTER UPDATE OF service_id ON instances
WHEN OLD.service_id IS NOT NULL AND OLD.service_id IS NOT NEW.service_id
BEGIN
  INSERT INTO instance_services (instance_id, service_id) VALUES (OLD.id, OLD.service_id)
  ON CONFLICT DO NOTHING;
END;

-- One row per scan written: its start, how long it took, and how many instances it listed.
CREATE TABLE scans (
  ts INTEGER PRIMARY KEY,
  duration_ms INTEGER NOT NULL,
  instances INTEGER NOT NULL
);

-- One row per service per scan: the service's totals, and every instance's sample packed in
-- `data` (ids ascending; see src/store/codec.ts).
CREATE TABLE raw_samples (
  service_id INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  samples INTEGER NOT NULL,
  healthy INTEGER NOT NULL,
  unreachable INTEGER NOT NULL,
  cpu_sum INTEGER NOT NULL,
  cpu_min INTEGER,
  cpu_max INTEGER,
  memory_sum INTEGER NOT NULL,
  memory_min INTEGER,
  memory_max INTEGER,
  data BLOB NOT NULL,
  PRIMARY KEY (service_id, ts)
);
CREATE INDEX raw_samples_ts ON raw_samples (ts);

-- Rollups: tier 1 = minute, 2 = hour; bucket = its start in epoch ms.
CREATE TABLE service_rollups (
  tier INTEGER NOT NULL,
  service_id INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  scans INTEGER NOT NULL,
  samples INTEGER NOT NULL,
  healthy INTEGER NOT NULL,
  unreachable INTEGER NOT NULL,
  cpu_sum INTEGER NOT NULL,
  cpu_min INTEGER,
  cpu_max INTEGER,
  memory_sum INTEGER NOT NULL,
  memory_min INTEGER,
  memory_max INTEGER,
  PRIMARY KEY (tier, service_id, bucket)
) WITHOUT ROWID;
CREATE INDEX service_rollups_bucket ON service_rollups (tier, bucket);

-- Per-instance rollups of one service and bucket, packed like raw samples.
CREATE TABLE instance_rollups (
  tier INTEGER NOT NULL,
  service_id INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (tier, service_id, bucket)
);
CREATE INDEX instance_rollups_bucket ON instance_rollups (tier, bucket);

-- How far each tier is rolled up: buckets before done_until are complete.
CREATE TABLE rollup_state (
  tier TEXT PRIMARY KEY,
  done_until INTEGER NOT NULL
);
INSERT INTO rollup_state (tier, done_until) VALUES ('minute', 0), ('hour', 0);

-- Transitions: instances between healthy, unhealthy and unreachable, appearing and leaving;
-- services between ok and flagged, appearing and leaving.
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts INTEGER NOT NULL,
  scope TEXT NOT NULL,
  subject TEXT NOT NULL,
  service TEXT,
  kind TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT,
  cpu REAL,
  memory REAL,
  healthy INTEGER,
  instances INTEGER,
  reason TEXT
);
CREATE INDEX events_ts ON events (ts);
CREATE INDEX events_subject ON events (subject, ts);
CREATE INDEX events_service ON events (service, ts);

-- Which process writes (one at a time); others only read. Renewed with every write.
CREATE TABLE writer_lease (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
