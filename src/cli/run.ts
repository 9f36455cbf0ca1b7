import { resolveSettings, type Settings } from '../config/settings.ts';
import { configPathFrom, settingsFromEnv, settingsFromFile, wantColor } from '../config/sources.ts';
import { FleetmonError } from '../core/errors.ts';
import { parseApiAddress } from '../provider/address.ts';
import type { ProviderClient } from '../provider/client.ts';
import { createProviderClient } from '../provider/client.ts';
import { formatTraffic } from '../render/index.ts';
import { runHealth } from './commands/health.ts';
import { runInstances } from './commands/instances.ts';
import { runServices } from './commands/services.ts';
import { listenForInterrupt } from './interrupted.ts';
import type { Io } from './io.ts';
import { type Invocation, settingsFromFlags } from './program.ts';

/** Everything a command needs, resolved once; built here and nowhere else. */
export interface Context {
  readonly settings: Settings;
  /** Colour and terminal styling on stdout. */
  readonly color: boolean;
  readonly io: Io;
  /** Aborted on SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** Opens the provider named by the settings (starting the embedded one for `demo`). */
  connect(): Promise<Connection>;
}

/** An open provider client; `close` also stops the embedded demo provider. */
export interface Connection {
  readonly client: ProviderClient;
  close(): Promise<void>;
}

/** Resolves settings, wires the real provider and signals, and runs the chosen command. */
export async function runInvocation(inv: Invocation, io: Io): Promise<number> {
  const configPath = configPathFrom(inv.globals.config);
  const file = configPath === undefined ? {} : await settingsFromFile(configPath);
  const settings = resolveSettings({
    flags: settingsFromFlags(inv.globals),
    env: settingsFromEnv(),
    file,
    ...(configPath === undefined ? {} : { fileName: configPath }),
  });
  const controller = new AbortController();
  const stopListening = listenForInterrupt((reason) => controller.abort(reason));
  const clients: ProviderClient[] = [];
  const ctx: Context = {
    settings,
    color: wantColor(inv.globals.color, io.stdout.isTTY === true),
    io,
    signal: controller.signal,
    connect: async () => {
      const connection = await connect(settings);
      clients.push(connection.client);
      return connection;
    },
  };
  try {
    const command = await loadCommand(inv.command);
    return await command(ctx, inv.args, inv.options);
  } finally {
    stopListening();
    if (inv.globals.stats === true) reportTraffic(io, clients);
  }
}

/** `--stats`: what each provider client of the command asked, after its output. */
function reportTraffic(io: Io, clients: readonly ProviderClient[]): void {
  for (const client of clients) {
    if (client.traffic !== undefined)
      io.stderr.write(`fleetmon: ${formatTraffic(client.traffic)}\n`);
  }
}

type CommandRun = (
  ctx: Context,
  args: readonly string[],
  options: Invocation['options'],
) => Promise<number>;

// The one-shot commands and the provider client are part of the main bundle: with the compile
// cache, one larger file loads faster than a dozen chunks (instances on the seed fleet: -10 to
// -30 ms; --version unchanged). The heavy ones (terminal UI, server, mock) load when chosen.
async function loadCommand(name: Invocation['command']): Promise<CommandRun> {
  switch (name) {
    case 'instances':
      return runInstances;
    case 'services':
      return runServices;
    case 'health':
      return runHealth;
    case 'monitor':
      return (await import('./commands/monitor.ts')).runMonitor;
    case 'mock':
      return (await import('./commands/mock.ts')).runMock;
    case 'serve':
      return (await import('./commands/serve.ts')).runServe;
  }
}

async function connect(settings: Settings): Promise<Connection> {
  const clientFor = (baseUrl: URL) =>
    createProviderClient({
      baseUrl,
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
  const mock = await startMock({ host: '127.0.0.1', port: 0 });
  const client = clientFor(new URL(mock.url));
  return {
    client,
    close: async () => {
      await client.close();
      await mock.close();
    },
  };
}
