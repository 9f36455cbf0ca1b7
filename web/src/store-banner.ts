import type { StoreHealth } from './api.ts';
import { byId } from './dom.ts';
import { clock } from './format.ts';

/**
 * The banner over the charts when history cannot be kept or read: the store's own report
 * (down since when, what waits), or the error a history request got. Hidden otherwise.
 */
export function renderStoreProblem(
  health: StoreHealth | null,
  readProblem: string | null = null,
): void {
  const banner = byId('store-banner');
  const down = health !== null && !health.up;
  banner.hidden = !down && readProblem === null;
  if (banner.hidden) {
    banner.textContent = '';
    return;
  }
  const since = down && health.downSince !== null ? ` since ${clock(health.downSince)}` : '';
  const why = readProblem ?? health?.lastError?.message ?? 'no answer';
  const waiting =
    health !== null && health.pending > 0
      ? ` ${health.pending} scan${health.pending === 1 ? '' : 's'} wait to be written.`
      : '';
  banner.textContent = `⚠ History store unavailable${since}: ${why}. Live data goes on; the charts fill in when it is back.${waiting}`;
}
