import { existsSync } from 'node:fs';
import type { CommandOptions } from '../../config/command-options.ts';
import { FleetmonError, isFleetmonError } from '../../core/errors.ts';
import { ServiceMembers } from '../../core/service-members.ts';
import { toInstanceRow } from '../../core/status.ts';
import type { InstanceRow, Reading } from '../../core/types.ts';
import { type MonitorTick, renderMonitorNdjson, renderMonitorTable } from '../../render/index.ts';
import { scanFleet, scanInstances } from '../../scan/scan.ts';
import type { Store } from '../../store/store.ts';
import { classifyStoreError } from '../../store/store-error.ts';
import { sleepUnlessAborted } from '../../time/clock.ts';
import { capacityFor } from '../../tui/history.ts';
import type { MonitorSource } from '../../tui/live-monitor.ts';
import type { RecentPast, Target } from '../../tui/model.ts';
import { EXIT } from '../exit-codes.ts';
import { listWarningsReporter } from '../fleet-scan.ts';
import { listenForQuit } from '../keys.ts';
import { recentPast } from '../recent-past.ts';
import { renderOptions } from '../render-options.ts';
import type { Context } from '../run.ts';
import { openCommandStore, storeName } from '../store-access.ts';

/** Where ticks go: a view redrawn in place on a terminal, a stream in a pipe. */
interface TickSink {
  show(tick: MonitorTick, scanMs: number): void;
  close(): void;
}

/**
 * `fleetmon monitor [SERVICE]`: reads the service's instances every --interval
 * until --count ticks, q, Ctrl-C or SIGTERM; all of those end it with exit 0.
 * On a terminal it is the full-screen live view (every service when none is named);
 * in a pipe it streams ndjson or timestamped tables, and needs a service.
 */
export async function runMonitor(
  ctx: Context,
  wanted: string | undefined,
  options: CommandOptions<'monitor'>,
): Promise<number> {
  const { interval: intervalMs, count, history: historyMs } = options;
  if (wantsLiveView(ctx)) {
    await runLive(ctx, wanted ?? null, { intervalMs, historyMs, count });
    return EXIT.ok;
  }
  if (wanted === undefined) {
    throw new FleetmonError(
      'usage',
      'monitor needs a SERVICE when stdout is not a terminal',
      'name one, e.g. fleetmon monitor UserService | tee log; for every service use fleetmon services',
    );
  }
  const sink = createSink(ctx);
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  const releaseKeys = listenForQuit(ctx.io, () => stop.abort());
  const connection = await ctx.connect();
  const members = new ServiceMembers(wanted);
  const warn = listWarningsReporter(ctx);
  try {
    for (let tick = 1; count === undefined || tick <= count; tick++) {
      const startedAt = ctx.clock.wallNow();
      const startedMono = ctx.clock.now();
      const rows = await readService(ctx, connection.client, members, signal, tick === 1);
      if (rows === null) break;
      if (rows !== undefined) warn(connection.client.lastListWarnings);
      if (tick === 1 && rows?.length === 0) throw notFound(wanted, members.knownServices());
      if (rows !== undefined) {
        const scanMs = ctx.clock.now() - startedMono;
        sink.show({ ts: startedAt, service: members.name ?? wanted, rows }, scanMs);
      }
      if (count !== undefined && tick === count) break;
      const wait = Math.max(0, intervalMs - (ctx.clock.now() - startedMono));
      if (!(await sleepUnlessAborted(ctx.clock, wait, signal))) break;
    }
    return EXIT.ok;
  } finally {
    releaseKeys();
    sink.close();
    await connection.close();
  }
}

/** Rows of one tick; `undefined` when the scan failed but monitoring goes on, `null` when stopped. */
async function readService(
  ctx: Context,
  client: Awaited<ReturnType<Context['connect']>>['client'],
  members: ServiceMembers,
  signal: AbortSignal,
  first: boolean,
): Promise<InstanceRow[] | undefined | null> {
  const { settings } = ctx;
  try {
    const listed = await client.listServers(signal);
    const snapshot = await scanInstances(client, members.targets(listed), {
      concurrency: settings.concurrency,
      deadlineMs: settings.deadlineMs,
      signal,
      clock: ctx.clock,
    });
    return members.rows(snapshot.readings, settings.rules);
  } catch (err) {
    if (signal.aborted) return null;
    // The first scan proves the provider works; after that an outage is news to report, not a reason to quit.
    if (first || !isFleetmonError(err)) throw err;
    const at = new Date(ctx.clock.wallNow()).toISOString();
    ctx.io.stderr.write(`fleetmon: ${at} scan failed: ${err.message}\n`);
    return undefined;
  }
}

function notFound(wanted: string, known: readonly string[]): FleetmonError {
  return new FleetmonError(
    'input',
    `no service named "${wanted}" in this fleet`,
    known.length > 0
      ? `known services: ${known.join(', ')}`
      : 'no instance answered with its service',
  );
}

function createSink(ctx: Context): TickSink {
  const format = ctx.settings.output;
  if (format === 'csv') {
    throw new FleetmonError(
      'usage',
      'monitor streams ndjson or tables; -o csv is not supported here',
      'use -o ndjson',
    );
  }
  const opts = renderOptions(ctx);
  const write = (text: string) => ctx.io.stdout.write(text);
  if (format === 'table' || format === 'wide') {
    return { show: (tick) => write(`${renderMonitorTable(tick, opts)}\n`), close() {} };
  }
  return { show: (tick) => write(renderMonitorNdjson(tick)), close() {} };
}

/** The live view is for people: a terminal on stdout and a human format. */
function wantsLiveView(ctx: Context): boolean {
  const format = ctx.settings.output;
  return (
    ctx.io.stdout.isTTY === true &&
    (format === undefined || format === 'table' || format === 'wide')
  );
}

/** Runs the full-screen view (loaded only here, so pipes and --help never parse it). */
async function runLive(
  ctx: Context,
  service: string | null,
  run: { intervalMs: number; historyMs: number; count: number | undefined },
): Promise<void> {
  const { runLiveMonitor } = await import('../../tui/live-monitor.ts');
  const store = await pastStore(ctx);
  const connection = await ctx.connect().catch(async (err: unknown) => {
    await store?.close();
    throw err;
  });
  const past =
    store === undefined
      ? undefined
      : (target: Target, at: number, intervalMs: number) =>
          recentPast(
            store.history,
            target,
            at,
            intervalMs,
            capacityFor(run.historyMs, intervalMs) - 1,
          );
  try {
    await runLiveMonitor({
      io: ctx.io,
      source: createSource(ctx, connection.client, run.intervalMs, past),
      config: {
        rules: ctx.settings.rules,
        color: ctx.color,
        historyMs: run.historyMs,
        intervalMs: run.intervalMs,
        // Local wall-clock time, 24-hour: what the on-call engineer's own clock says.
        formatTime: (ts) => new Date(ts).toTimeString().slice(0, 8),
      },
      service,
      count: run.count,
      signal: ctx.signal,
      clock: ctx.clock,
    });
  } finally {
    await connection.close();
    await store?.close();
  }
}

/**
 * The history store `serve` keeps, to open the live view with the recent past in its
 * sparklines; `undefined` (with one warning line when something is wrong) when there is none.
 */
async function pastStore(ctx: Context): Promise<Store | undefined> {
  const location = ctx.settings.store;
  if (location.kind === 'memory') return undefined;
  if (location.kind === 'sqlite' && ctx.settings.storeIsDefault && !existsSync(location.path)) {
    return undefined;
  }
  let store: Store | undefined;
  try {
    store = await openCommandStore(ctx, 'read');
    const status = await store.checkSchema();
    if (status.version < status.latest)
      throw new Error(`schema ${status.version} needs fleetmon migrate`);
    return store;
  } catch (err) {
    await store?.close();
    const { message } = classifyStoreError(err, `history store ${storeName(ctx)}`);
    ctx.io.stderr.write(`fleetmon: warning: ${message}; the sparklines start empty\n`);
    return undefined;
  }
}

/** Reads a target's recent past from the store; resolves `undefined` on any failure. */
type PastReader = (
  target: Target,
  at: number,
  intervalMs: number,
) => Promise<RecentPast | undefined>;

type Client = Awaited<ReturnType<Context['connect']>>['client'];

/**
 * Scans for the live view: the whole fleet for the service list, and for one service only
 * its known members (plus instances never seen answering), learned by ServiceMembers.
 */
function createSource(
  ctx: Context,
  client: Client,
  intervalMs: number,
  past?: PastReader,
): MonitorSource {
  const { settings } = ctx;
  let members: ServiceMembers | null = null;
  let membersFor = '';
  let fleetReadings: readonly Reading[] = [];
  const pastAsked = new Set<string>();
  /** The store's past of a target, asked once per target, alongside its first scan. */
  const pastOf = (target: Target): Promise<RecentPast | undefined> => {
    const key = target.kind === 'fleet' ? '' : target.name.toLowerCase();
    if (past === undefined || pastAsked.has(key)) return Promise.resolve(undefined);
    pastAsked.add(key);
    return past(target, ctx.clock.wallNow(), intervalMs).catch(() => undefined);
  };
  return {
    async scan(target, signal, onProgress) {
      const earlier = pastOf(target);
      const scanOptions = {
        concurrency: settings.concurrency,
        deadlineMs: settings.deadlineMs,
        signal,
        clock: ctx.clock,
        onProgress: (p: { done: number; total: number }) => onProgress(p.done, p.total),
      };
      if (target.kind === 'fleet') {
        const snapshot = await scanFleet(client, scanOptions);
        fleetReadings = snapshot.readings;
        return {
          target,
          at: snapshot.startedAt,
          durationMs: snapshot.durationMs,
          rows: snapshot.readings.map((reading) => toInstanceRow(reading, settings.rules)),
          retries: retriesOf(snapshot.readings),
          past: await earlier,
        };
      }
      const fresh = members === null || membersFor !== target.name.toLowerCase();
      if (fresh || members === null) {
        members = new ServiceMembers(target.name);
        membersFor = target.name.toLowerCase();
        // A service opened from the list: the fleet scan already says who its members are.
        members.rows(fleetReadings, settings.rules);
      }
      const startedAt = ctx.clock.wallNow();
      const startedMono = ctx.clock.now();
      const listed = await client.listServers(signal);
      const snapshot = await scanInstances(client, members.targets(listed), scanOptions);
      const rows = members.rows(snapshot.readings, settings.rules);
      if (fresh && rows.length === 0) throw notFound(target.name, members.knownServices());
      return {
        target,
        at: startedAt,
        durationMs: ctx.clock.now() - startedMono,
        rows,
        retries: retriesOf(snapshot.readings),
        serviceName: members.name,
        past: await earlier,
      };
    },
  };
}

/** Extra attempts the client needed in one scan. */
function retriesOf(readings: readonly Reading[]): number {
  let n = 0;
  for (const reading of readings) n += Math.max(0, reading.attempts - 1);
  return n;
}
