import type { CommandOptions } from '../../config/command-options.ts';
import { FleetmonError } from '../../core/errors.ts';
import type { HistoryTarget } from '../../core/history-types.ts';
import { ipv4Key } from '../../core/ip.ts';
import { resolveTimePoint } from '../../core/time-point.ts';
import { renderEvents, renderHistory } from '../../render/index.ts';
import { autoStep } from '../../store/plan.ts';
import type { Store } from '../../store/store.ts';
import { orStoreError } from '../../store/store-error.ts';
import { EXIT } from '../exit-codes.ts';
import { localTime } from '../local-time.ts';
import { renderOptions } from '../render-options.ts';
import type { Context } from '../run.ts';
import { openCommandStore, storeName } from '../store-access.ts';

const DEFAULT_SINCE_MS = 6 * 3_600_000;
/** The table aims at about this many rows when no step is given. */
const AUTO_ROWS = 100;
const EVENTS_LIMIT = 100_000;

/**
 * `fleetmon history SERVICE|IP`: the series the store kept (or, with --events, the
 * transitions), over --since or --from/--to, one row per --step. Reads only: it never creates,
 * migrates or writes a store.
 */
export async function runHistory(
  ctx: Context,
  subject: string,
  options: CommandOptions<'history'>,
): Promise<number> {
  const { from, to } = range(options, ctx.clock.wallNow());
  const target = targetOf(subject);
  const stepMs = options.step === 'raw' ? null : (options.step ?? autoStep(to - from, AUTO_ROWS));
  const store = await openReadable(ctx);
  try {
    const where = `history store ${store.location}`;
    const opts = renderOptions(ctx);
    if (options.events) {
      await known(store, target, where);
      const events = await orStoreError(where, () =>
        store.history.events({ target, from, to, limit: EVENTS_LIMIT }),
      );
      ctx.io.stdout.write(renderEvents(events, opts, localTime));
      return EXIT.ok;
    }
    const series = await orStoreError(where, () =>
      store.history.series({ target, from, to, stepMs }),
    );
    if (series === undefined) await known(store, target, where);
    if (series !== undefined) ctx.io.stdout.write(renderHistory(series, opts, localTime));
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** The store, if it can be read: a persistent one, reachable, with a current schema. */
async function openReadable(ctx: Context): Promise<Store> {
  if (ctx.settings.store.kind === 'memory') {
    throw new FleetmonError(
      'usage',
      'history needs a store that outlives serve; --store memory keeps history only inside a running serve',
      'ask that serve: GET /api/v1/history?service=NAME, or point --store at its file or database',
    );
  }
  const store = await openCommandStore(ctx, 'read');
  try {
    const status = await orStoreError(`history store ${store.location}`, () => store.checkSchema());
    if (status.version < status.latest) {
      throw new FleetmonError(
        'store-refused',
        status.version === 0
          ? `no fleetmon history in ${storeName(ctx)}`
          : `${storeName(ctx)} has schema version ${status.version}; this fleetmon reads version ${status.latest}`,
        'run fleetmon migrate (or start fleetmon serve, which migrates) against it',
      );
    }
    return store;
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** Throws the "never seen" error unless the store knows the target. */
async function known(store: Store, target: HistoryTarget, where: string): Promise<void> {
  const probe = await orStoreError(where, () =>
    store.history.series({ target, from: 0, to: 1, stepMs: 1000 }),
  );
  if (probe !== undefined) return;
  if (target.kind === 'instance') {
    throw new FleetmonError(
      'input',
      `no history for ${target.ip} in ${where}`,
      'check the IP, or give a service',
    );
  }
  const names = await orStoreError(where, () => store.history.services());
  throw new FleetmonError(
    'input',
    `no history for service "${target.service}" in ${where}`,
    names.length > 0
      ? `known services: ${names.join(', ')}`
      : 'fleetmon serve has not written any yet',
  );
}

function range(options: CommandOptions<'history'>, now: number): { from: number; to: number } {
  if (options.since !== undefined && (options.from !== undefined || options.to !== undefined)) {
    throw new FleetmonError(
      'usage',
      '--since cannot be combined with --from or --to',
      'use --since 6h, or --from … --to …',
    );
  }
  const to = options.to === undefined ? now + 1 : resolveTimePoint(options.to, now);
  const from =
    options.from !== undefined
      ? resolveTimePoint(options.from, now)
      : to - (options.since ?? DEFAULT_SINCE_MS);
  if (from >= to) throw new FleetmonError('usage', '--from must be before --to', 'swap them');
  return { from, to };
}

/** An IP address (v4 or v6) names an instance; anything else a service. */
function targetOf(subject: string): HistoryTarget {
  const text = subject.trim();
  if (text === '')
    throw new FleetmonError(
      'usage',
      'history needs a SERVICE or an IP',
      'e.g. fleetmon history PaymentService',
    );
  return ipv4Key(text) !== null || (text.includes(':') && /^[0-9a-f:.]+$/i.test(text))
    ? { kind: 'instance', ip: text }
    : { kind: 'service', service: text };
}
