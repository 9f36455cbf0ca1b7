import type { ScanEvent, ServiceRow, StatusAnswer } from './api.ts';
import { byId, el } from './dom.ts';
import { count, pct, STATUS_LOOK } from './format.ts';

/** One card per service, flagged ones first; a click filters the instance table to it. */
export function renderCards(
  scan: ScanEvent,
  status: StatusAnswer,
  onPick: (service: string) => void,
): void {
  const required = status.rules.minHealthy;
  const rows = [...scan.services].sort(
    (a, b) =>
      Number(b.status === 'flagged' && b.service !== null) -
        Number(a.status === 'flagged' && a.service !== null) ||
      (a.service ?? '\uffff').localeCompare(b.service ?? '\uffff'),
  );
  byId('cards').replaceChildren(...rows.map((row) => card(row, required, status, onPick)));
}

function card(
  row: ServiceRow,
  required: number,
  status: StatusAnswer,
  onPick: (service: string) => void,
): HTMLElement {
  const known = row.service !== null;
  const state = known ? row.status : 'unknown';
  const look = known ? STATUS_LOOK[row.status] : { icon: '?', word: 'Not counted' };
  const name = row.service ?? 'Unknown service';
  const button = el(
    'button',
    { type: 'button', class: 'card-link', 'aria-label': `Show the instances of ${name}` },
    'Show instances →',
  );
  button.addEventListener('click', () => onPick(row.service ?? ''));
  return el(
    'article',
    { class: `card card-${state}`, 'data-service': name, 'data-status': state },
    el(
      'header',
      { class: 'card-head' },
      el('h3', { class: 'card-name', title: name }, name),
      el(
        'span',
        { class: `badge badge-${state}` },
        el('span', { 'aria-hidden': 'true' }, look.icon),
        ` ${look.word}`,
      ),
    ),
    known
      ? el(
          'p',
          { class: 'quorum' },
          el('strong', {}, count(row.healthy)),
          ` healthy of ${count(row.instances)} · needs ${required}`,
        )
      : el(
          'p',
          { class: 'quorum' },
          `${count(row.instances)} instances whose stats could not be read, so their service is not known`,
        ),
    known && meter('CPU', row.cpu, status.rules.maxCpu),
    known && meter('Memory', row.memory, status.rules.maxMemory),
    el(
      'p',
      { class: 'counts' },
      el('span', {}, `${STATUS_LOOK.unhealthy.icon} ${count(row.unhealthy)} unhealthy`),
      el('span', {}, `${STATUS_LOOK.unreachable.icon} ${count(row.unreachable)} unreachable`),
    ),
    button,
  );
}

/** A labelled bar with the healthy limit marked; the number is always written out. */
function meter(label: string, value: number | null, limit: number): HTMLElement {
  const fill = el('span', { class: 'meter-fill' });
  fill.style.width = `${Math.max(0, Math.min(100, value ?? 0))}%`;
  const mark = el('span', { class: 'meter-limit', title: `limit ${pct(limit)}` });
  mark.style.left = `${limit}%`;
  const over = value !== null && value >= limit;
  return el(
    'div',
    { class: `meter${over ? ' meter-over' : ''}` },
    el('span', { class: 'meter-label' }, `mean ${label}`),
    el('span', { class: 'meter-value' }, pct(value), over ? ' ▲' : ''),
    el(
      'span',
      {
        class: 'meter-bar',
        role: 'meter',
        'aria-label': `mean ${label}`,
        'aria-valuemin': '0',
        'aria-valuemax': '100',
        'aria-valuenow': value === null ? undefined : String(Math.round(value)),
      },
      fill,
      mark,
    ),
  );
}
