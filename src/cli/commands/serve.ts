import type { AlertService } from '../../alert/alert-service.ts';
import { type AlertConfig, compileAlertConfig } from '../../alert/compile.ts';
import { openAlerting } from '../../alert/open.ts';
import type { CommandOptions } from '../../config/command-options.ts';
import type { ConfigFile } from '../../config/config-file.ts';
import { formatDuration } from '../../core/duration.ts';
import { FleetmonError, isFleetmonError } from '../../core/errors.ts';
import { scanFleet } from '../../scan/scan.ts';
import { historyCapacity, type RunningServer, startServer } from '../../server/server.ts';
import { findWebRoot } from '../../server/web-root.ts';
import { MAX_HISTORY_SCANS } from '../../store/memory/memory-store.ts';
import type { Store } from '../../store/store.ts';
import { classifyStoreError } from '../../store/store-error.ts';
import { settlesWithin } from '../../time/clock.ts';
import { EXIT } from '../exit-codes.ts';
import { probeResultsStore } from '../probe-results-store.ts';
import type { Context } from '../run.ts';
import { type ReloadPart, startServeProbes } from '../serve-probes.ts';
import { openCommandStore, retentionOf, storeName } from '../store-access.ts';
import { serveAuth } from './serve-auth.ts';

/** Requests in flight get this long to finish after SIGTERM. */
const SHUTDOWN_GRACE_MS = 5_000;
/** Past the grace, closing the store and the provider client gets this long before serve exits anyway. */
const CLOSE_MS = 2_000;

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
  const inMemory = ctx.settings.store.kind === 'memory';
  let historyMs = options.history ?? 3_600_000;
  if (inMemory && historyCapacity(historyMs, intervalMs) > MAX_HISTORY_SCANS) {
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
  if (!inMemory && options.history !== undefined) {
    log(
      'warning: --history sizes the in-memory history of --store memory; this store keeps what retention says',
    );
  }
  if (!listen.loopback && auth.token === undefined && auth.basic === undefined) {
    log('warning: listening beyond loopback without --auth-token or --basic-auth');
  }

  const { settings } = ctx;
  // Checked before connecting: a missing receiver secret is a config error, not a late surprise.
  const compileAlerts = (file: ConfigFile | undefined): AlertConfig =>
    compileAlertConfig(file?.sections.alerts, file?.sections.maintenance, {
      health: settings.rules,
      secret: ctx.secret,
    });
  const alertConfig = compileAlerts(ctx.config);
  const store = await openCommandStore(ctx, 'write', {
    memory: {
      windowMs: historyMs,
      maxScans: Math.min(MAX_HISTORY_SCANS, historyCapacity(historyMs, intervalMs)),
    },
    // A writer that stops renewing for three intervals (or a minute) hands over to another.
    leaseMs: Math.max(60_000, 3 * intervalMs),
  });
  try {
    await migrateOnStart(ctx, store, log, historyMs);
  } catch (err) {
    await store.close();
    throw err;
  }
  const connection = await ctx.connect().catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  const openAlerts =
    (config: AlertConfig) =>
    (url: string): Promise<AlertService> =>
      openAlerting({
        config,
        url,
        intervalMs,
        log,
        clock: ctx.clock,
        store: store.alerts,
        role: store.notifier,
      });
  // Probe results go to the store and, once it has started with the server, to alerting.
  let server: RunningServer | undefined;
  const probeResults = probeResultsStore(store.probes, ctx.clock, log);
  const probes = startServeProbes(ctx.config, {
    clock: ctx.clock,
    windowMs: historyMs,
    log,
    onResult: (result) => {
      probeResults.add(result);
      server?.alerts?.observeProbe(result);
    },
    also: alertingReload(ctx.config, compileAlerts, async (config) => {
      if (server === undefined) return false;
      await server.reloadAlerts(openAlerts(config));
      return true;
    }),
  });
  const closeAll = async (): Promise<void> => {
    await probes.stop();
    await probeResults.close();
    await connection.close();
    await store.close();
  };
  try {
    server = await startServer({
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
      store,
      storeBufferBytes: options.storeBuffer,
      listen,
      auth,
      allowedHosts: options.allowHost,
      maxStreams: options.maxStreams,
      maxConnections: options.maxConnections,
      webRoot: findWebRoot(),
      log,
      clock: ctx.clock,
      alerts: openAlerts(alertConfig),
      probes: probes.service.board,
    });
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
    const running = server;
    // A store that stopped answering mid-write must not hold the process: past the grace and
    // CLOSE_MS, serve returns and the process exits without it.
    const done = await settlesWithin(
      ctx.clock,
      SHUTDOWN_GRACE_MS + CLOSE_MS,
      running.stop(SHUTDOWN_GRACE_MS).then(closeAll),
    );
    if (!done) log('the history store did not answer while shutting down; exiting without it');
    return EXIT.ok;
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * Brings the store's schema up to date before scanning. A store that cannot be reached is no
 * reason not to serve live data: writes wait in memory and the schema is migrated when it
 * answers. A store that refuses (credentials, a missing database, a newer schema) is an error.
 */
async function migrateOnStart(
  ctx: Context,
  store: Store,
  log: (line: string) => void,
  historyMs: number,
): Promise<void> {
  if (store.backend === 'memory') {
    log(
      `history: kept in memory for ${formatDuration(historyMs)} (--store memory; nothing survives a restart)`,
    );
    return;
  }
  const r = retentionOf(ctx);
  const kept = `raw ${formatDuration(r.raw)}, minutes ${formatDuration(r.minute)}, hours ${formatDuration(r.hour)}`;
  try {
    const report = await store.migrate({ dryRun: false });
    const migrated =
      report.applied.length === 0
        ? ''
        : `; migrated ${report.before} → ${report.after} (${report.applied.map((m) => m.name).join(', ')})`;
    log(`history: ${storeName(ctx)}, schema ${report.after} (${kept})${migrated}`);
  } catch (err) {
    const failure = classifyStoreError(err, `history store ${store.location}`);
    if (failure.kind === 'refused' || failure.kind === 'internal') throw err;
    log(
      `${failure.message}; serving live data anyway, history is kept in memory until the store answers`,
    );
  }
}

/**
 * Alerting's part of a SIGHUP reload: a changed `alerts:` or `maintenance:` section is compiled
 * first (a problem, such as a missing receiver secret, refuses the whole reload), then alerting
 * restarts on it, keeping its state, outbox and silences.
 */
function alertingReload(
  initial: ConfigFile | undefined,
  compile: (file: ConfigFile) => AlertConfig,
  /** Restarts alerting on `config`; false when it has not started yet (the change waits). */
  restart: (config: AlertConfig) => Promise<boolean>,
): ReloadPart {
  const sectionsOf = (file: ConfigFile | undefined) =>
    JSON.stringify([file?.sections.alerts, file?.sections.maintenance]);
  let running = sectionsOf(initial);
  return {
    prepare(file) {
      const sections = sectionsOf(file);
      if (sections === running) return { apply: async () => undefined };
      let config: AlertConfig;
      try {
        config = compile(file);
      } catch (err) {
        return isFleetmonError(err) ? err.message : String(err);
      }
      return {
        async apply() {
          if (!(await restart(config))) return undefined;
          running = sections;
          return describeAlerting(config);
        },
      };
    },
  };
}

/** One line at start: what alerting will do. */
function describeAlerting(config: AlertConfig): string {
  if (!config.enabled) return 'alerting is off (alerts.enabled: false)';
  const receivers = config.receivers.map((r) => `${r.name} (${r.kind})`).join(', ');
  return `alerting: ${config.rules.length} rules; ${receivers === '' ? 'no receivers, so alerts are shown but not sent' : `notifying ${receivers}`}`;
}
