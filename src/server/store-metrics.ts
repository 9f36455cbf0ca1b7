import { Counter, Gauge, type Registry } from 'prom-client';
import type { StoreHealth } from '../store/recorder.ts';

/**
 * The history store's write path in /metrics, read at each scrape: `fleetmon_store_up` (0 while
 * writes fail: alert on it), whether this replica is the writer, what waits in the buffer,
 * and what was written or given up.
 */
export function registerStoreMetrics(registers: Registry[], health: () => StoreHealth): void {
  new Gauge({
    name: 'fleetmon_store_up',
    help: 'Whether the history store takes writes (1) or the last write failed (0).',
    labelNames: ['backend'] as const,
    registers,
    collect() {
      const now = health();
      this.reset();
      this.set({ backend: now.backend }, now.up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'fleetmon_store_writer',
    help: 'Whether this process writes to the history store (1) or another one does and this one reads (0).',
    registers,
    collect() {
      this.set(health().role === 'standby' ? 0 : 1);
    },
  });
  new Gauge({
    name: 'fleetmon_store_pending_scans',
    help: 'Scans waiting to be written to the history store.',
    registers,
    collect() {
      this.set(health().pending);
    },
  });
  new Gauge({
    name: 'fleetmon_store_pending_bytes',
    help: 'Memory held by scans waiting to be written.',
    registers,
    collect() {
      this.set(health().pendingBytes);
    },
  });
  new Gauge({
    name: 'fleetmon_store_last_write_seconds',
    help: 'How long the last successful write of a scan took.',
    registers,
    collect() {
      const ms = health().lastWriteMs;
      if (ms !== null) this.set(ms / 1000);
    },
  });
  for (const [name, help, read] of [
    [
      'fleetmon_store_written_scans_total',
      'Scans written to the history store.',
      (h: StoreHealth) => h.written,
    ],
    [
      'fleetmon_store_dropped_scans_total',
      'Scans never written: dropped from a full buffer while the store was down, or refused by it.',
      (h: StoreHealth) => h.dropped,
    ],
  ] as const) {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read(health()));
      },
    });
  }
}
