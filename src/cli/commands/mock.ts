import type { CommandOptions } from '../../config/command-options.ts';
import { formatDuration } from '../../core/duration.ts';
import { FleetmonError } from '../../core/errors.ts';
import { type MockOptions, startMock } from '../../mock/server.ts';
import { isLoopback } from '../../server/listen-address.ts';
import { EXIT } from '../exit-codes.ts';
import type { Context } from '../run.ts';

/** `fleetmon mock`: serves a simulated CPX provider until Ctrl-C or SIGTERM. */
export async function runMock(ctx: Context, options: CommandOptions<'mock'>): Promise<number> {
  const {
    host,
    latency,
    serversFault,
    churnInterval,
    listenPublic,
    clockSkew,
    nowDateOnly,
    ...rest
  } = options;
  if (!isLoopback(host) && !listenPublic) {
    throw new FleetmonError(
      'usage',
      `--host ${host} can be reached from other machines`,
      'add --listen-public to allow it, or leave --host out to listen on 127.0.0.1 only',
    );
  }
  const mockOptions: MockOptions = {
    ...rest,
    host,
    clock: ctx.clock,
    churnIntervalMs: churnInterval,
    clockSkewMs: clockSkew,
    nowDateOnly,
    ...(latency === undefined ? {} : { latencyMs: latency }),
    ...(serversFault === undefined ? {} : { serversFault }),
  };
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
  const skew =
    clockSkew === 0
      ? ''
      : `, clock ${clockSkew > 0 ? '+' : '-'}${formatDuration(Math.abs(clockSkew))}`;
  const about = `seed ${mockOptions.seed}, ${mockOptions.model}`;
  ctx.io.stderr.write(
    `fleetmon mock: ${mock.roster.listedAt(ctx.clock.wallNow()).length} instances on ${whereListening(mock, about)}; time on ${mock.url}/now${nowDateOnly ? ' (Date header only)' : ''}${skew}; Ctrl-C stops\n`,
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
