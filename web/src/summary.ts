import type { ScanEvent, ScanFailure, StatusAnswer } from './api.ts';
import { byId, el } from './dom.ts';
import { clock, count, pct, STATUS_LOOK, span } from './format.ts';

/** The verdict line a newcomer reads first, then the totals and the scan that produced them. */
export function renderSummary(scan: ScanEvent, status: StatusAnswer): void {
  const named = scan.health;
  const flagged = named.filter((s) => s.status === 'flagged');
  const verdict = byId('verdict');
  const state = flagged.length > 0 ? 'flagged' : 'ok';
  verdict.dataset.state = state;
  const text =
    named.length === 0
      ? 'No services found'
      : flagged.length > 0
        ? `${flagged.length} of ${named.length} services flagged: ${flagged.map((s) => s.service).join(', ')}`
        : `All ${named.length} services OK`;
  // The tab title carries the verdict too, for a dashboard left open in a background tab.
  document.title = `${flagged.length > 0 ? `⚠ ${flagged.length} flagged` : '✓ OK'} · fleetmon`;
  verdict.replaceChildren(
    el('span', { class: 'verdict-icon', 'aria-hidden': 'true' }, STATUS_LOOK[state].icon),
    el('span', { class: 'verdict-text' }, text),
  );

  let healthy = 0;
  let unhealthy = 0;
  let unreachable = 0;
  for (const s of scan.services) {
    healthy += s.healthy;
    unhealthy += s.unhealthy;
    unreachable += s.unreachable;
  }
  const total = (label: string, value: number, kind: string) =>
    el(
      'div',
      { class: `total total-${kind}` },
      el('dt', {}, label),
      el(
        'dd',
        {},
        kind === 'all' ? '' : el('span', { class: 'icon', 'aria-hidden': 'true' }, iconOf(kind)),
        count(value),
      ),
    );
  byId('totals').replaceChildren(
    total('Instances', scan.instances, 'all'),
    total('Healthy', healthy, 'healthy'),
    total('Unhealthy', unhealthy, 'unhealthy'),
    total('Unreachable', unreachable, 'unreachable'),
  );

  const last = byId('last-scan');
  last.dataset.seq = String(scan.seq);
  last.textContent = `Last scan ${clock(scan.scannedAt)} took ${span(scan.durationMs)}; next in about ${span(status.intervalMs)}.`;
  const { maxCpu, maxMemory, minHealthy } = status.rules;
  byId('rules').textContent =
    `Healthy: cpu below ${pct(maxCpu)} and memory below ${pct(maxMemory)}. OK: at least ${minHealthy} healthy.`;
}

/** Shows why the latest scan failed (the data on screen is then older), or hides the note. */
export function renderScanError(failure: ScanFailure | null, haveData: boolean): void {
  const note = byId('scan-error');
  note.hidden = failure === null;
  const then = haveData ? 'Showing the last good scan.' : 'No scan has succeeded yet; retrying.';
  note.textContent =
    failure === null ? '' : `⚠ Scan failed at ${clock(failure.at)}: ${failure.message}. ${then}`;
}

function iconOf(kind: string): string {
  return kind === 'healthy' || kind === 'unhealthy' || kind === 'unreachable'
    ? STATUS_LOOK[kind].icon
    : '';
}
