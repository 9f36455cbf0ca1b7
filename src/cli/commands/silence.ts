import { userInfo } from 'node:os';
import { addedSilence, expiredSilence, silenceRows } from '../../alert/api-schemas.ts';
import { callServe } from '../../alert/serve-client.ts';
import type { SilenceAddOptions, SilenceListOptions } from '../../config/command-options.ts';
import type { SilenceRow } from '../../core/alert-types.ts';
import { formatDuration } from '../../core/duration.ts';
import { FleetmonError } from '../../core/errors.ts';
import { escapeUnprintable } from '../../core/printable.ts';
import { renderSilences } from '../../render/index.ts';
import { EXIT } from '../exit-codes.ts';
import { renderOptions } from '../render-options.ts';
import type { Context } from '../run.ts';
import { checked, readServe, refusal, serveTarget } from './serve-api.ts';

/** Who is silencing when neither --author nor USER says (cron and containers set no USER). */
function loginName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** `fleetmon silence add --match service=Payment --for 2h --comment "deploy"`. */
export async function runSilenceAdd(ctx: Context, options: SilenceAddOptions): Promise<number> {
  const target = serveTarget(ctx, options);
  if (options.match.length === 0) {
    throw new FleetmonError(
      'usage',
      'silence add needs --match',
      'e.g. --match service=PaymentService',
    );
  }
  if (options.comment === undefined) {
    throw new FleetmonError(
      'usage',
      'silence add needs --comment saying why',
      'e.g. --comment "deploy 4.2"',
    );
  }
  if ((options.for === undefined) === (options.until === undefined)) {
    throw new FleetmonError(
      'usage',
      'silence add needs --for or --until (one of them)',
      'e.g. --for 2h',
    );
  }
  const answer = await callServe(target, 'POST', 'api/v1/silences', {
    matchers: options.match,
    comment: options.comment,
    createdBy: options.author ?? loginName(),
    ...(options.start === undefined ? {} : { startsAt: options.start }),
    ...(options.for === undefined ? {} : { duration: formatDuration(options.for) }),
    ...(options.until === undefined ? {} : { endsAt: options.until }),
  });
  if (answer.status !== 201) throw refusal(target, answer.body, answer.status);
  const { silence, warnings } = checked(target, answer.body, addedSilence);
  for (const warning of warnings) {
    ctx.io.stderr.write(`fleetmon: warning: ${escapeUnprintable(warning)}\n`);
  }
  ctx.io.stdout.write(describe(ctx, silence, 'added'));
  return EXIT.ok;
}

/** `fleetmon silence list [--all]`. */
export async function runSilenceList(ctx: Context, options: SilenceListOptions): Promise<number> {
  const states = options.all ? 'active,pending,expired' : 'active,pending';
  const rows = await readServe(
    serveTarget(ctx, options),
    `api/v1/silences?state=${states}`,
    silenceRows,
  );
  ctx.io.stdout.write(renderSilences(rows, renderOptions(ctx), ctx.clock.wallNow()));
  return EXIT.ok;
}

/** `fleetmon silence expire ID`. */
export async function runSilenceExpire(
  ctx: Context,
  options: SilenceListOptions,
  id: string,
): Promise<number> {
  const target = serveTarget(ctx, options);
  const answer = await callServe(target, 'DELETE', `api/v1/silences/${encodeURIComponent(id)}`);
  if (answer.status !== 200) {
    const error = refusal(target, answer.body, answer.status);
    throw answer.status === 404
      ? new FleetmonError(error.code, error.message, 'fleetmon silence list shows the ids')
      : error;
  }
  ctx.io.stdout.write(
    describe(ctx, checked(target, answer.body, expiredSilence).silence, 'expired'),
  );
  return EXIT.ok;
}

/** One line for people, or the silence's row for machines. */
function describe(ctx: Context, silence: SilenceRow, what: 'added' | 'expired'): string {
  const format = renderOptions(ctx).format;
  if (format !== 'table' && format !== 'wide')
    return renderSilences([silence], renderOptions(ctx), ctx.clock.wallNow());
  const until = what === 'added' ? ` until ${silence.endsAt}` : '';
  return `${escapeUnprintable(`silence ${silence.id} ${what}: ${silence.matchers.join(' ')}${until}`)}\n`;
}
