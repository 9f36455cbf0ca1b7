import { describeLocation } from '../store/location.ts';
import type { MemoryStoreOptions } from '../store/memory/memory-store.ts';
import { type Retention, retentionWith } from '../store/retention.ts';
import type { Store } from '../store/store.ts';
import type { Context } from './run.ts';

/** The retention in force: the config file's `retention:` over the defaults. */
export function retentionOf(ctx: Context): Retention {
  return retentionWith(ctx.config?.sections.retention);
}

/**
 * Opens the store the settings name (`--store`, FLEETMON_STORE, DATABASE_URL, `store:`, or the
 * default file). The store modules and drivers load here, only for commands that use them.
 */
export async function openCommandStore(
  ctx: Context,
  mode: 'read' | 'write',
  extra: { memory?: MemoryStoreOptions; leaseMs?: number } = {},
): Promise<Store> {
  const { openStore } = await import('../store/open-store.ts');
  return openStore(ctx.settings.store, {
    mode,
    retention: retentionOf(ctx),
    clock: ctx.clock,
    ...extra,
  });
}

/** `sqlite /path/history.db`, `postgres postgres://fleetmon@db:5432/fleetmon`, `memory`. */
export function storeName(ctx: Context): string {
  return describeLocation(ctx.settings.store);
}
