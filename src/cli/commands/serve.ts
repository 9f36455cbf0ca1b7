import { duration, integer } from '../../config/fields.ts';
import { allowedHostsFromEnv } from '../../config/serve-env.ts';
import { formatDuration } from '../../core/duration.ts';
import { FleetmonError } from '../../core/errors.ts';
import { escapeUnprintable } from '../../core/printable.ts';
import { scanFleet } from '../../scan/scan.ts';
import { allowedHostName } from '../../server/host-check.ts';
import { DEFAULT_MAX_CONNECTIONS } from '../../server/http-listener.ts';
import { parseListenAddress } from '../../server/listen-address.ts';
import { DEFAULT_MAX_STREAMS } from '../../server/live-stream.ts';
import { historyCapacity, startServer } from '../../server/server.ts';
import { findWebRoot } from '../../server/web-root.ts';
import { MAX_HISTORY_SCANS } from '../../store/memory-history.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFlag } from '../flag.ts';
import type { Invocation } from '../program.ts';
import type { Context } from '../run.ts';
import { serveAuth } from './serve-auth.ts';

/** Requests in flight get this long to finish after SIGTERM. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * `fleetmon serve`: dashboard, JSON API and Prometheus exporter over a scan every
 * --interval, until SIGINT or SIGTERM, which end it gracefully with exit 0.
 */
export async function runServe(
  ctx: Context,
  _args: readonly string[],
  options: Invocation['options'],
): Promise<number> {
  const text = (name: string) => options[name] as string | undefined;
  const listen = parseListenAddress(text('listen') ?? '127.0.0.1:8080');
  if (!listen.loopback && options.listenPublic !== true) {
    throw new FleetmonError(
      'usage',
      `--listen ${text('listen')} can be reached from other machines`,
      'add --listen-public to allow it (and set --auth-token or --basic-auth), or listen on 127.0.0.1',
    );
  }
  const intervalMs = parseFlag('--interval', text('interval') ?? '15s', duration(500, 86_400_000));
  const historyText = text('history');
  let historyMs = parseFlag('--history', historyText ?? '1h', duration(1000, 7 * 86_400_000));
  if (historyCapacity(historyMs, intervalMs) > MAX_HISTORY_SCANS) {
    if (historyText !== undefined) {
      throw new FleetmonError(
        'usage',
        `--history ${formatDuration(historyMs)} at --interval ${formatDuration(intervalMs)} is more than ${MAX_HISTORY_SCANS} scans to keep in memory`,
        'lower --history or raise --interval',
      );
    }
    // Only the default is too long for a short interval: keep what the ring can hold.
    historyMs = (MAX_HISTORY_SCANS - 1) * intervalMs;
  }
  const auth = await serveAuth({
    authToken: text('authToken'),
    authTokenFile: text('authTokenFile'),
    basicAuth: text('basicAuth'),
    basicAuthFile: text('basicAuthFile'),
  });
  const allowedHosts = allowedHostsOf(options.allowHost as string[] | undefined);
  const maxConnections = parseFlag(
    '--max-connections',
    text('maxConnections') ?? String(DEFAULT_MAX_CONNECTIONS),
    integer(2, 1_000_000),
  );
  const maxStreams = parseFlag(
    '--max-streams',
    text('maxStreams') ?? String(Math.min(DEFAULT_MAX_STREAMS, maxConnections - 1)),
    integer(1, maxConnections - 1),
  );
  const log = (line: string) => ctx.io.stderr.write(`fleetmon serve: ${line}\n`);
  if (!listen.loopback && auth.token === undefined && auth.basic === undefined) {
    log('warning: listening beyond loopback without --auth-token or --basic-auth');
  }

  const connection = await ctx.connect();
  const { settings } = ctx;
  try {
    const server = await startServer({
      scan: (signal) =>
        scanFleet(connection.client, {
          concurrency: settings.concurrency,
          deadlineMs: settings.deadlineMs,
          signal,
        }),
      provider: connection.client.url,
      traffic: () => connection.client.traffic,
      rules: settings.rules,
      intervalMs,
      historyMs,
      listen,
      auth,
      allowedHosts,
      maxStreams,
      maxConnections,
      webRoot: findWebRoot(),
      log,
    });
    log(
      `dashboard on ${server.url} (API ${server.url}api/v1/, metrics ${server.url}metrics); scanning ${connection.client.url} every ${formatDuration(intervalMs)}; Ctrl-C stops`,
    );
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    log('shutting down: finishing requests in flight');
    await server.stop(SHUTDOWN_GRACE_MS);
    return EXIT.ok;
  } finally {
    await connection.close();
  }
}

/** `--allow-host` values (repeatable, comma-separated) or else `FLEETMON_ALLOW_HOSTS`, checked. */
function allowedHostsOf(flags: readonly string[] | undefined): string[] {
  const source = flags !== undefined ? '--allow-host' : 'FLEETMON_ALLOW_HOSTS';
  return (flags ?? allowedHostsFromEnv() ?? []).map((text) => {
    const name = allowedHostName(text);
    if (name !== undefined) return name;
    throw new FleetmonError(
      flags !== undefined ? 'usage' : 'config',
      escapeUnprintable(
        `${source}: ${JSON.stringify(text)} is not a host name; expected a name such as fleetmon.example.com, *.example.com for its subdomains, * for any, or an IP address (no port)`,
      ),
    );
  });
}
