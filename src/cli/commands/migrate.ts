import type { CommandOptions } from '../../config/command-options.ts';
import { FleetmonError } from '../../core/errors.ts';
import { orStoreError } from '../../store/store-error.ts';
import { EXIT } from '../exit-codes.ts';
import type { Context } from '../run.ts';
import { openCommandStore, storeName } from '../store-access.ts';

/**
 * `fleetmon migrate [--dry-run]`: brings the store's schema up to this fleetmon's, each
 * migration in its own transaction under the store's migration lock; with --dry-run, lists
 * what would be applied. `serve` does the same on start; this is for operators who migrate
 * before they deploy.
 */
export async function runMigrate(
  ctx: Context,
  options: CommandOptions<'migrate'>,
): Promise<number> {
  if (ctx.settings.store.kind === 'memory') {
    throw new FleetmonError(
      'usage',
      '--store memory has no schema to migrate',
      'point --store at a file or a postgres:// URL',
    );
  }
  const store = await openCommandStore(ctx, options.dryRun ? 'read' : 'write');
  try {
    const report = await orStoreError(`history store ${store.location}`, () =>
      store.migrate({ dryRun: options.dryRun }),
    );
    const format = ctx.settings.output ?? 'table';
    if (format === 'json' || format === 'ndjson') {
      const record = {
        backend: store.backend,
        location: store.location,
        before: report.before,
        after: report.after,
        applied: report.applied.map((m) => ({
          version: m.version,
          name: m.name,
          checksum: m.checksum,
        })),
        pending: report.pending.map((m) => ({
          version: m.version,
          name: m.name,
          checksum: m.checksum,
        })),
      };
      ctx.io.stdout.write(
        format === 'json' ? `${JSON.stringify(record, null, 2)}\n` : `${JSON.stringify(record)}\n`,
      );
      return EXIT.ok;
    }
    const lines: string[] = [];
    if (options.dryRun) {
      lines.push(
        report.pending.length === 0
          ? `${storeName(ctx)}: schema ${report.before} is current; nothing to apply`
          : `${storeName(ctx)}: schema ${report.before}; would apply:`,
      );
      const width = Math.max(0, ...report.pending.map((m) => m.name.length));
      for (const m of report.pending) {
        lines.push(`  ${m.name.padEnd(width)}  sha256 ${m.checksum.slice(0, 12)}`);
      }
    } else if (report.applied.length === 0) {
      lines.push(`${storeName(ctx)}: schema ${report.after} is current; nothing to apply`);
    } else {
      for (const m of report.applied) lines.push(`applied ${m.name}`);
      lines.push(`${storeName(ctx)}: schema ${report.before} → ${report.after}`);
    }
    ctx.io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
