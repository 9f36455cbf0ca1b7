import { type AlertConfig, compileAlertConfig } from '../../alert/compile.ts';
import { openAlerting } from '../../alert/open.ts';
import type { CommandOptions } from '../../config/command-options.ts';
import { formatDuration } from '../../core/duration.ts';
import { FleetmonError } from '../../core/errors.ts';
import type { ProbeResult } from '../../core/probe-types.ts';
import { scanFleet } from '../../scan/scan.ts';
import { historyCapacity, startServer } from '../../server/server.ts';
import { findWebRoot } from '../../server/web-root.ts';
import { MAX_HISTORY_SCANS } from '../../store/memory-history.ts';
import { EXIT } from '../exit-codes.ts';
import type { Context } from '../run.ts';
import { startServeProbes } from '../serve-probes.ts';
import { serveAuth } from './serve-auth.ts';

/** Requests in flight get this long to finish after SIGTERM. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * `fleetmon serve`: dashboard, JSON API and Prometheus exporter over a scan every
 * --interval, until SIGINT or SIGTERM, which end it gracefully with exit 0.
 */
export async function runServe(ctx: Context, options: CommandOptions<'serve'>): Promise<number> {
  const { listen, interval: intervalMs } = options;
  if (!listen.loopback && !options.listenPublic) {
    throw new FleetmonError(
      'usage',
      `--listen ${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port} can be reached from other machines`,
      'add --listen-public to allow it (and set --auth-token or --basic-auth), or listen on 127.0.0.1',
    );
  }
  let historyMs = options.history ?? 3_600_000;
  if (historyCapacity(historyMs, intervalMs) > MAX_HISTORY_SCANS) {
    if (options.history !== undefined) {
      throw new FleetmonError(
        'usage',
        `--history ${formatDuration(historyMs)} at --interval ${formatDuration(intervalMs)} is more than ${MAX_HISTORY_SCANS} scans to keep in memory`,
        'lower --history or raise --interval',
      );
    }
    // Only the default is too long for a short interval: keep what the ring can hold.
    historyMs = (MAX_HISTORY_SCANS - 1) * intervalMs;
  }
  const auth = await serveAuth(options);
  if (options.maxStreams >= options.maxConnections) {
    throw new FleetmonError(
      'usage',
      `--max-streams ${options.maxStreams} leaves no connection for anything else under --max-connections ${options.maxConnections}`,
      'lower --max-streams or raise --max-connections',
    );
  }
  const log = (line: string) => ctx.io.stderr.write(`fleetmon serve: ${line}\n`);
  if (!listen.loopback && auth.token === undefined && auth.basic === undefined) {
    log('warning: listening beyond loopback without --auth-token or --basic-auth');
  }

  const { settings } = ctx;
  // Checked before connecting: a missing receiver secret is a config error, not a late surprise.
  const alertConfig = compileAlertConfig(
    ctx.config?.sections.alerts,
    ctx.config?.sections.maintenance,
    { health: settings.rules, secret: ctx.secret },
  );
  const connection = await ctx.connect();
  // Probe results reach alerting once it has started with the server.
  let observeProbe: ((result: ProbeResult) => void) | undefined;
  const probes = startServeProbes(ctx.config, {
    clock: ctx.clock,
    windowMs: historyMs,
    log,
    onResult: (result) => observeProbe?.(result),
  });
  try {
    const server = await startServer({
      scan: (signal) =>
        scanFleet(connection.client, {
          concurrency: settings.concurrency,
          deadlineMs: settings.deadlineMs,
          signal,
          clock: ctx.clock,
        }),
      provider: connection.client.url,
      traffic: () => connection.client.traffic,
      rules: settings.rules,
      intervalMs,
      historyMs,
      listen,
      auth,
      allowedHosts: options.allowHost,
      maxStreams: options.maxStreams,
      maxConnections: options.maxConnections,
      webRoot: findWebRoot(),
      log,
      now: () => ctx.clock.wallNow(),
      alerts: (url) =>
        openAlerting({ config: alertConfig, url, intervalMs, log, clock: ctx.clock }),
      probes: probes.service.board,
    });
    observeProbe = (result) => server.alerts?.observeProbe(result);
    log(describeAlerting(alertConfig));
    const probeCount = probes.service.board.list().length;
    log(
      `dashboard on ${server.url} (API ${server.url}api/v1/, metrics ${server.url}metrics); scanning ${connection.client.url} every ${formatDuration(intervalMs)}${probeCount > 0 ? `; ${probeCount} probe${probeCount === 1 ? '' : 's'}` : ''}; Ctrl-C stops`,
    );
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    log('shutting down: finishing requests in flight');
    await server.stop(SHUTDOWN_GRACE_MS);
    return EXIT.ok;
  } finally {
    await probes.stop();
    await connection.close();
  }
}

/** One line at start: what alerting will do. */
function describeAlerting(config: AlertConfig): string {
  if (!config.enabled) return 'alerting is off (alerts.enabled: false)';
  const receivers = config.receivers.map((r) => `${r.name} (${r.kind})`).join(', ');
  return `alerting: ${config.rules.length} rules; ${receivers === '' ? 'no receivers, so alerts are shown but not sent' : `notifying ${receivers}`}`;
}
