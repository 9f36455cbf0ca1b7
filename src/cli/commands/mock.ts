import type { CommandOptions } from '../../config/command-options.ts';
import { formatDuration } from '../../core/duration.ts';
import { FleetmonError } from '../../core/errors.ts';
import { type MockOptions, startMock } from '../../mock/server.ts';
import { EXIT } from '../exit-codes.ts';
import type { Context } from '../run.ts';

/** `fleetmon mock`: serves a simulated CPX provider until Ctrl-C or SIGTERM. */
export async function runMock(ctx: Context, options: CommandOptions<'mock'>): Promise<number> {
  const { host, latency, serversFault, churnInterval, clockSkew, nowDateOnly, ...rest } = options;
  const mockOptions: MockOptions = {
    ...rest,
    churnIntervalMs: churnInterval,
    clockSkewMs: clockSkew,
    nowDateOnly,
    ...(host === undefined ? {} : { host }),
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
      `cannot listen on ${host ?? '::'}:${mockOptions.port}: ${code ?? String(err)}`,
      'choose another --port or --host',
    );
  }
  const skew =
    clockSkew === 0
      ? ''
      : `, clock ${clockSkew > 0 ? '+' : '-'}${formatDuration(Math.abs(clockSkew))}`;
  ctx.io.stderr.write(
    `fleetmon mock: ${mock.roster.listedAt(Date.now()).length} instances on ${mock.url} (seed ${mockOptions.seed}, ${mockOptions.model}); time on ${mock.url}/now${nowDateOnly ? ' (Date header only)' : ''}${skew}; Ctrl-C stops\n`,
  );
  await new Promise<void>((resolve) =>
    ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  await mock.close();
  return EXIT.ok;
}
