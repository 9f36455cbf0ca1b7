import type { RenderOptions } from '../render/index.ts';
import type { Context } from './run.ts';

/** How the settings and the terminal shape rendered output. */
export function renderOptions(ctx: Context): RenderOptions {
  const { stdout } = ctx.io;
  return {
    format: ctx.settings.output ?? 'table',
    color: ctx.color,
    rules: ctx.settings.rules,
    ...(stdout.isTTY === true && stdout.columns !== undefined ? { width: stdout.columns } : {}),
  };
}
