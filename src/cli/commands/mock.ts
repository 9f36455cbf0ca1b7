import { duration, integer, oneOf, rate } from '../../config/fields.ts';
import { parseDuration } from '../../core/duration.ts';
import { FleetmonError } from '../../core/errors.ts';
import { SERVERS_FAULTS } from '../../mock/faults.ts';
import { type MockOptions, startMock } from '../../mock/server.ts';
import { isLoopback } from '../../server/listen-address.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFlag, parseOptionalFlag } from '../flag.ts';
import type { Invocation } from '../program.ts';
import type { Context } from '../run.ts';

/** `fleetmon mock`: serves a simulated CPX provider until Ctrl-C or SIGTERM. */
export async function runMock(
  ctx: Context,
  _args: readonly string[],
  options: Invocation['options'],
): Promise<number> {
  const text = (name: string) => options[name] as string | undefined;
  const mockOptions: MockOptions = {
    port: parseFlag('--port', text('port') ?? '9001', integer(0, 65_535)),
    instances: parseFlag('--instances', text('instances') ?? '150', integer(0, 1_000_000)),
    seed: parseFlag('--seed', text('seed') ?? '1', integer(0, 2 ** 31 - 1)),
    model: parseFlag(
      '--model',
      text('model') ?? 'drift',
      oneOf(['drift', 'uniform', 'fixed'] as const),
    ),
    errorRate: parseOptionalFlag('--error-rate', text('errorRate'), rate) ?? 0,
    malformedRate: parseOptionalFlag('--malformed-rate', text('malformedRate'), rate) ?? 0,
    hangRate: parseOptionalFlag('--hang-rate', text('hangRate'), rate) ?? 0,
    dropRate: parseOptionalFlag('--drop-rate', text('dropRate'), rate) ?? 0,
    throttleRate: parseOptionalFlag('--throttle-rate', text('throttleRate'), rate) ?? 0,
    cutRate: parseOptionalFlag('--cut-rate', text('cutRate'), rate) ?? 0,
    trickleRate: parseOptionalFlag('--trickle-rate', text('trickleRate'), rate) ?? 0,
    floodRate: parseOptionalFlag('--flood-rate', text('floodRate'), rate) ?? 0,
    vanishRate: parseOptionalFlag('--vanish-rate', text('vanishRate'), rate) ?? 0,
    serversFaultRate:
      parseOptionalFlag('--servers-fault-rate', text('serversFaultRate'), rate) ?? 1,
    serversFaultAfter:
      parseOptionalFlag('--servers-fault-after', text('serversFaultAfter'), integer(0, 1e9)) ?? 0,
    churn: parseOptionalFlag('--churn', text('churn'), rate) ?? 0,
    churnIntervalMs:
      parseOptionalFlag('--churn-interval', text('churnInterval'), duration(10, 86_400_000)) ??
      1000,
    http10: options.http10 === true,
    serial: options.serial === true,
    backlog: parseOptionalFlag('--backlog', text('backlog'), integer(0, 65_535)),
  };
  const serversFault = text('serversFault');
  if (serversFault !== undefined) {
    mockOptions.serversFault = parseFlag('--servers-fault', serversFault, oneOf(SERVERS_FAULTS));
  }
  const host = text('host') ?? '127.0.0.1';
  if (!isLoopback(host) && options.listenPublic !== true) {
    throw new FleetmonError(
      'usage',
      `--host ${host} can be reached from other machines`,
      'add --listen-public to allow it, or leave --host out to listen on 127.0.0.1 only',
    );
  }
  mockOptions.host = host;
  const latency = text('latency');
  if (latency !== undefined) mockOptions.latencyMs = parseLatency(latency);

  let mock: Awaited<ReturnType<typeof startMock>>;
  try {
    mock = await startMock(mockOptions);
  } catch (err) {
    if (err instanceof RangeError) throw new FleetmonError('usage', err.message);
    const code = (err as NodeJS.ErrnoException).code;
    throw new FleetmonError(
      'usage',
      `cannot listen on ${host}:${mockOptions.port}: ${code ?? String(err)}`,
      'choose another --port or --host',
    );
  }
  const about = `seed ${mockOptions.seed}, ${mockOptions.model}`;
  ctx.io.stderr.write(
    `fleetmon mock: ${mock.roster.listedAt(Date.now()).length} instances on ${whereListening(mock, about)}; Ctrl-C stops\n`,
  );
  await new Promise<void>((resolve) =>
    ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  await mock.close();
  return EXIT.ok;
}

/** Where the mock listens, in words that stay true for wildcard addresses. */
function whereListening(mock: { host: string; port: number; url: string }, about: string): string {
  const every =
    mock.host === '0.0.0.0'
      ? 'every IPv4 interface'
      : mock.host === '::'
        ? 'every interface (IPv6 and IPv4)'
        : undefined;
  return every === undefined
    ? `${mock.url} (${about})`
    : `${every}, port ${mock.port} (${mock.url} from this machine; ${about})`;
}

/** `50ms` or a range `20ms-80ms`. */
function parseLatency(text: string): { min: number; max: number } {
  const [low = '', high] = text.split('-');
  const min = parseDuration(low);
  const max = high === undefined ? min : parseDuration(high);
  if (min === null || max === null || max < min) {
    throw new FleetmonError(
      'usage',
      `--latency: ${JSON.stringify(text)} is not valid; expected a duration such as 50ms or a range 20ms-80ms`,
    );
  }
  return { min, max };
}
