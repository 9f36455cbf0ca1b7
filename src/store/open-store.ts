import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { type Clock, systemClock } from '../time/clock.ts';
import type { StoreLocation } from './location.ts';
import { createMemoryStore, type MemoryStoreOptions } from './memory/memory-store.ts';
import type { Retention } from './retention.ts';
import { createSqlStore } from './sql/sql-store.ts';
import type { Store } from './store.ts';

/** How a command uses its store. */
export interface OpenStoreOptions {
  /** `write`: `serve`, which migrates and writes; `read`: every other command, which never changes it. */
  readonly mode: 'write' | 'read';
  readonly retention: Retention;
  readonly clock?: Clock;
  /** The in-memory store's size (`--store memory`). */
  readonly memory?: MemoryStoreOptions;
  /** How long the SQLite writer lease lasts unless renewed (each write renews it). */
  readonly leaseMs?: number;
}

/**
 * Opens the store a location names. Nothing is read or written yet, except that SQLite opens
 * (and, to write, creates) its file; the drivers load only for the backend chosen.
 */
export async function openStore(
  location: StoreLocation,
  options: OpenStoreOptions,
): Promise<Store> {
  const clock = options.clock ?? systemClock;
  switch (location.kind) {
    case 'memory':
      return createMemoryStore(options.memory ?? { windowMs: 3_600_000, maxScans: 2880 }, clock);
    case 'sqlite': {
      const path = resolve(location.path);
      const { openSqlite } = await import('./sql/sqlite-driver.ts');
      const driver = openSqlite({
        path,
        readOnly: options.mode === 'read',
        clock,
        leaseMs: options.leaseMs ?? 60_000,
        holder: `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`,
      });
      return createSqlStore(driver, {
        backend: 'sqlite',
        location: path,
        retention: options.retention,
        clock,
      });
    }
    case 'postgres': {
      const { openPostgres } = await import('./sql/postgres-driver.ts');
      const driver = openPostgres({ url: location.url, display: location.display });
      return createSqlStore(driver, {
        backend: 'postgres',
        location: location.display,
        retention: options.retention,
        clock,
      });
    }
  }
}
