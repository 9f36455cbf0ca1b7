import { renderStoreInfo } from '../../render/index.ts';
import { orStoreError } from '../../store/store-error.ts';
import { EXIT } from '../exit-codes.ts';
import { localTime } from '../local-time.ts';
import type { Context } from '../run.ts';
import { openCommandStore } from '../store-access.ts';

/**
 * `fleetmon store info`: backend, where it is, schema version, size, rows per tier with their
 * oldest and newest sample, events, probe results, and who writes. Reads only.
 */
export async function runStoreInfo(ctx: Context): Promise<number> {
  const store = await openCommandStore(ctx, 'read');
  try {
    const info = await orStoreError(`history store ${store.location}`, () => store.info());
    ctx.io.stdout.write(
      renderStoreInfo(
        info,
        { format: ctx.settings.output ?? 'table', color: ctx.color },
        localTime,
      ),
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
