import { setTimeout as sleep } from 'node:timers/promises';
import { duration, integer } from '../../config/fields.ts';
import { formatDuration } from '../../core/duration.ts';
import { FleetmonError, isFleetmonError } from '../../core/errors.ts';
import { ServiceMembers } from '../../core/service-members.ts';
import type { InstanceRow } from '../../core/types.ts';
import {
  type MonitorTick,
  renderInstances,
  renderMonitorNdjson,
  renderMonitorTable,
} from '../../render/index.ts';
import { scanInstances } from '../../scan/scan.ts';
import { InlineView } from '../../tui/inline-view.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFlag, parseOptionalFlag } from '../flag.ts';
import { listenForQuit } from '../keys.ts';
import type { Invocation } from '../program.ts';
import { renderOptions } from '../render-options.ts';
import type { Context } from '../run.ts';

/** Where ticks go: a view redrawn in place on a terminal, a stream in a pipe. */
interface TickSink {
  show(tick: MonitorTick, scanMs: number): void;
  close(): void;
}

/**
 * `fleetmon monitor SERVICE`: reads the service's instances every --interval
 * until --count ticks, q, Ctrl-C or SIGTERM; all of those end it with exit 0.
 */
export async function runMonitor(
  ctx: Context,
  args: readonly string[],
  options: Invocation['options'],
): Promise<number> {
  const wanted = args[0] ?? '';
  const intervalMs = parseFlag(
    '--interval',
    String(options.interval ?? '5s'),
    duration(100, 86_400_000),
  );
  const count = parseOptionalFlag(
    '--count',
    options.count as string | undefined,
    integer(1, 1_000_000_000),
  );
  const sink = createSink(ctx, intervalMs);
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  const releaseKeys = listenForQuit(ctx.io, () => stop.abort());
  const connection = await ctx.connect();
  const members = new ServiceMembers(wanted);
  try {
    for (let tick = 1; count === undefined || tick <= count; tick++) {
      const startedAt = Date.now();
      const rows = await readService(ctx, connection.client, members, signal, tick === 1);
      if (rows === null) break;
      if (tick === 1 && rows?.length === 0) throw notFound(wanted, members.knownServices());
      if (rows !== undefined) {
        sink.show({ ts: startedAt, service: members.name ?? wanted, rows }, Date.now() - startedAt);
      }
      if (count !== undefined && tick === count) break;
      const wait = Math.max(0, intervalMs - (Date.now() - startedAt));
      if (!(await pause(wait, signal))) break;
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
    });
    return members.rows(snapshot.readings, settings.rules);
  } catch (err) {
    if (signal.aborted) return null;
    // The first scan proves the provider works; after that an outage is news to report, not a reason to quit.
    if (first || !isFleetmonError(err)) throw err;
    ctx.io.stderr.write(`fleetmon: ${new Date().toISOString()} scan failed: ${err.message}\n`);
    return undefined;
  }
}

async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

function notFound(wanted: string, known: readonly string[]): FleetmonError {
  return new FleetmonError(
    'input',
    `no instance of service "${wanted}" found`,
    known.length > 0
      ? `known services: ${known.join(', ')}`
      : 'no instance answered with its service',
  );
}

function createSink(ctx: Context, intervalMs: number): TickSink {
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
  if (
    ctx.io.stdout.isTTY === true &&
    (format === undefined || format === 'table' || format === 'wide')
  ) {
    const view = new InlineView(ctx.io.stdout);
    return {
      show(tick, scanMs) {
        const healthy = tick.rows.filter((r) => r.status === 'healthy').length;
        const status = healthy >= opts.rules.minHealthy ? 'ok' : 'FLAGGED';
        const time = new Date(tick.ts).toLocaleTimeString();
        const header = `${tick.service} · ${tick.rows.length} instances · ${healthy} healthy, needs ${opts.rules.minHealthy} · ${status} · every ${formatDuration(intervalMs)} · ${time} (scan ${scanMs}ms) · q quits`;
        view.draw([header, '', ...renderInstances(tick.rows, opts).trimEnd().split('\n')]);
      },
      close: () => view.close(),
    };
  }
  if (format === 'table' || format === 'wide') {
    return { show: (tick) => write(`${renderMonitorTable(tick, opts)}\n`), close() {} };
  }
  return { show: (tick) => write(renderMonitorNdjson(tick)), close() {} };
}
