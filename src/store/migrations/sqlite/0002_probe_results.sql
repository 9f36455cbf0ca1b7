-- Probe results (src/core/probe-types.ts ProbeResult), one row per run.
CREATE TABLE probes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL
);

CREATE TABLE probe_results (
  probe_id INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  verdict TEXT NOT NULL,
  status INTEGER,
  latency_ms REAL,
  offset_ms REAL,
  uncertainty_ms REAL,
  failure TEXT,
  reason TEXT,
  PRIMARY KEY (probe_id, ts)
);
CREATE INDEX probe_results_ts ON probe_results (ts);
