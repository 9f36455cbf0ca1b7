import {
  COMMAND_OPTIONS,
  type CommandName,
  type CommandOptions,
  SILENCE_ADD_OPTIONS,
  SILENCE_LIST_OPTIONS,
} from '../config/command-options.ts';
import type { ConfigFile } from '../config/config-file.ts';
import { type OptionDefs, type Resolved, resolveOptions } from '../config/options.ts';
import { resolveSettings, type Settings } from '../config/settings.ts';
import { configPathFrom, environment, loadConfigFile, wantColor } from '../config/sources.ts';
import { FleetmonError } from '../core/errors.ts';
import { parseApiAddress } from '../provider/address.ts';
import type { ProviderClient } from '../provider/client.ts';
import { createProviderClient } from '../provider/client.ts';
import { formatTraffic } from '../render/index.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import type { Io } from '../tui/io.ts';
import { runHealth } from './commands/health.ts';
import { runInstances } from './commands/instances.ts';
import { runServices } from './commands/services.ts';
import { listenForInterrupt } from './interrupted.ts';
import type { CommandId, Invocation } from './program.ts';

/** Everything a command needs, resolved once; built here and nowhere else. */
export interface Context {
  readonly settings: Settings;
  /** The config file, when one was given (its sections: probes, alerts…). */
  readonly config: ConfigFile | undefined;
  /** Colour and terminal styling on stdout. */
  readonly color: boolean;
  readonly io: Io;
  /** Aborted on SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The time and timers every command uses (the system's). */
  readonly clock: Clock;
  /** Opens the provider named by the settings (starting the embedded one for `demo`). */
  connect(): Promise<Connection>;
  /** An environment variable the config file names as holding a secret (`urlEnv: SLACK_URL`). */
  secret(name: string): string | undefined;
}

/** An open provider client; `close` also stops the embedded demo provider. */
export interface Connection {
  readonly client: ProviderClient;
  close(): Promise<void>;
}

/** Resolves settings, wires the real provider and signals, and runs the chosen command. */
export async function runInvocation(inv: Invocation, io: Io): Promise<number> {
  // Checking a file must not depend on the settings that file (or the environment) would give.
  if (inv.command === 'config-check') return runConfigCheck(io, inv.args[0] ?? '');
  const env = environment();
  const configPath = configPathFrom(inv.globals.config, env);
  const config = configPath === undefined ? undefined : await loadConfigFile(configPath);
  const settings = resolveSettings({ flags: inv.globalFlags, env, file: config?.settings });
  const resolveFor = <D extends OptionDefs>(defs: D, section: CommandName): Resolved<D> =>
    resolveOptions(defs, {
      flags: inv.flags,
      env,
      section,
      ...(config === undefined ? {} : { file: config.section(section) }),
    });
  const optionsOf = <C extends CommandName>(command: C): CommandOptions<C> =>
    resolveFor(COMMAND_OPTIONS[command], command);
  const controller = new AbortController();
  const clock = systemClock;
  const stopListening = listenForInterrupt((reason) => controller.abort(reason), clock);
  const clients: ProviderClient[] = [];
  const ctx: Context = {
    settings,
    config,
    color: wantColor(inv.globals.color, io.stdout.isTTY === true, env),
    io,
    signal: controller.signal,
    clock,
    connect: async () => {
      const connection = await connect(settings, clock);
      clients.push(connection.client);
      return connection;
    },
    secret: (name) => env[name] || undefined,
  };
  try {
    return await dispatch(inv.command, ctx, inv.args, optionsOf, resolveFor);
  } finally {
    stopListening();
    if (settings.stats) reportTraffic(io, clients);
  }
}

/**
 * Runs one command with its resolved options. The one-shot commands and the provider client are
 * part of the main bundle (one larger file loads faster than a dozen chunks); the heavy ones load
 * when chosen.
 */
async function dispatch(
  command: Exclude<CommandId, 'config-check'>,
  ctx: Context,
  args: readonly string[],
  optionsOf: <C extends CommandName>(command: C) => CommandOptions<C>,
  resolveFor: <D extends OptionDefs>(defs: D, section: CommandName) => Resolved<D>,
): Promise<number> {
  switch (command) {
    case 'instances':
      return runInstances(ctx, optionsOf('instances'));
    case 'services':
      return runServices(ctx, args);
    case 'health':
      return runHealth(ctx);
    case 'monitor': {
      const options = optionsOf('monitor');
      return (await import('./commands/monitor.ts')).runMonitor(ctx, args[0], options);
    }
    case 'mock': {
      const options = optionsOf('mock');
      return (await import('./commands/mock.ts')).runMock(ctx, options);
    }
    case 'serve': {
      const options = optionsOf('serve');
      return (await import('./commands/serve.ts')).runServe(ctx, options);
    }
    case 'alerts': {
      const options = optionsOf('alerts');
      return (await import('./commands/alerts.ts')).runAlerts(ctx, options);
    }
    case 'silence':
      throw new FleetmonError(
        'usage',
        'silence needs a subcommand',
        'fleetmon silence add|list|expire',
      );
    case 'silence-add': {
      const options = resolveFor({ ...COMMAND_OPTIONS.silence, ...SILENCE_ADD_OPTIONS }, 'silence');
      return (await import('./commands/silence.ts')).runSilenceAdd(ctx, options);
    }
    case 'silence-list':
    case 'silence-expire': {
      const options = resolveFor(
        { ...COMMAND_OPTIONS.silence, ...SILENCE_LIST_OPTIONS },
        'silence',
      );
      const { runSilenceList, runSilenceExpire } = await import('./commands/silence.ts');
      return command === 'silence-list'
        ? runSilenceList(ctx, options)
        : runSilenceExpire(ctx, options, args[0] ?? '');
    }
    case 'check': {
      const options = optionsOf('check');
      return (await import('./commands/check.ts')).runCheck(ctx, args, options);
    }
    case 'history': {
      const options = optionsOf('history');
      return (await import('./commands/history.ts')).runHistory(ctx, args[0] ?? '', options);
    }
    case 'migrate': {
      const options = optionsOf('migrate');
      return (await import('./commands/migrate.ts')).runMigrate(ctx, options);
    }
    case 'store-info':
      return (await import('./commands/store-info.ts')).runStoreInfo(ctx);
  }
}

/** `fleetmon config check FILE`: every problem as file:line:column, exit 2 when there is one. */
async function runConfigCheck(io: Io, path: string): Promise<number> {
  const { checkConfigFile } = await import('./commands/config-check.ts');
  return checkConfigFile(io, path);
}

/** `--stats`: what each provider client of the command asked, after its output. */
function reportTraffic(io: Io, clients: readonly ProviderClient[]): void {
  for (const client of clients) {
    if (client.traffic !== undefined)
      io.stderr.write(`fleetmon: ${formatTraffic(client.traffic)}\n`);
  }
}

async function connect(settings: Settings, clock: Clock): Promise<Connection> {
  const clientFor = (baseUrl: URL) =>
    createProviderClient({
      baseUrl,
      clock,
      timeoutMs: settings.timeoutMs,
      retries: settings.retries,
      concurrency: settings.concurrency,
      ratePerSecond: settings.rate,
      maxBodyBytes: settings.maxBodyBytes,
      maxInstances: settings.maxInstances,
      ...(settings.headersTimeoutMs === undefined
        ? {}
        : { headersTimeoutMs: settings.headersTimeoutMs }),
    });
  if (settings.api === undefined) {
    throw new FleetmonError(
      'usage',
      'no provider given',
      'pass --api HOST:PORT, set FLEETMON_API, or try --api demo for the embedded demo fleet',
    );
  }
  if (settings.api.toLowerCase() !== 'demo') {
    const client = clientFor(parseApiAddress(settings.api));
    return { client, close: () => client.close() };
  }
  const { startMock } = await import('../mock/server.ts');
  const mock = await startMock({ host: '127.0.0.1', port: 0, clock });
  const client = clientFor(new URL(mock.url));
  return {
    client,
    close: async () => {
      await client.close();
      await mock.close();
    },
  };
}
