import type { InstanceRow, InstanceStatus } from './api.ts';
import { byId, el } from './dom.ts';
import { count, pct, STATUS_LOOK } from './format.ts';

type Field = 'ip' | 'service' | 'status' | 'cpu' | 'memory';

/** Rows drawn at most; the count line says when more match, and search narrows them down. */
const MAX_ROWS = 500;
// Worst first, as the CLI sorts by status.
const STATUS_RANK: Record<InstanceStatus, number> = { unreachable: 0, unhealthy: 1, healthy: 2 };

/** The instance table: sorting by any column, filtering by service and status, and search. */
export class InstanceTable {
  #rows: readonly InstanceRow[] = [];
  #sort: { field: Field; descending: boolean } = { field: 'ip', descending: false };
  readonly #body: HTMLTableSectionElement;
  readonly #search = byId<HTMLInputElement>('search');
  readonly #service = byId<HTMLSelectElement>('filter-service');
  readonly #status = byId<HTMLSelectElement>('filter-status');

  constructor() {
    const table = byId<HTMLTableElement>('instances');
    this.#body = table.tBodies[0] ?? table.createTBody();
    for (const button of table.querySelectorAll<HTMLButtonElement>('th button[data-sort]')) {
      button.addEventListener('click', () => this.sortBy(button.dataset.sort as Field));
    }
    for (const input of [this.#search, this.#service, this.#status]) {
      input.addEventListener('input', () => this.#render());
    }
    byId('filters').addEventListener('submit', (event) => event.preventDefault());
  }

  /** New scan results; filters and sort order stay as the user left them. */
  setRows(rows: readonly InstanceRow[]): void {
    this.#rows = rows;
    this.#syncServiceOptions();
    this.#render();
  }

  /** Shows only one service (from a card). */
  showService(service: string): void {
    this.#service.value = service;
    this.#render();
    byId('instances-title').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  /** Sorts by a column; the same column again flips the direction. */
  sortBy(field: Field): void {
    const same = this.#sort.field === field;
    // Numbers are most useful busiest first; names and IPs A to Z.
    const descending = same ? !this.#sort.descending : field === 'cpu' || field === 'memory';
    this.#sort = { field, descending };
    for (const th of byId('instances').querySelectorAll('th')) {
      const button = th.querySelector<HTMLButtonElement>('button[data-sort]');
      if (button === null) continue;
      if (button.dataset.sort === field)
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    }
    this.#render();
  }

  #syncServiceOptions(): void {
    const names = [...new Set(this.#rows.map((r) => r.service ?? ''))].sort();
    const current = this.#service.value;
    const options = [el('option', { value: '' }, 'All services')];
    for (const name of names)
      options.push(el('option', { value: name }, name === '' ? '(unknown)' : name));
    this.#service.replaceChildren(...options);
    this.#service.value = names.includes(current) ? current : '';
  }

  #render(): void {
    const query = this.#search.value.trim().toLowerCase();
    const service = this.#service.value;
    const status = this.#status.value;
    const shown = this.#rows.filter(
      (row) =>
        (this.#service.selectedIndex <= 0 || (row.service ?? '') === service) &&
        (status === '' ||
          (status === 'problem' ? row.status !== 'healthy' : row.status === status)) &&
        (query === '' ||
          row.ip.includes(query) ||
          (row.service ?? '').toLowerCase().includes(query) ||
          (row.error ?? '').toLowerCase().includes(query)),
    );
    shown.sort(compare(this.#sort.field, this.#sort.descending ? -1 : 1));
    this.#body.replaceChildren(...shown.slice(0, MAX_ROWS).map(rowOf));
    // Like the CLI: the reason column appears only when some instance is unreachable.
    byId('instances').classList.toggle('no-reasons', !shown.some((row) => row.error !== undefined));
    if (shown.length === 0) {
      this.#body.append(
        el('tr', {}, el('td', { colspan: '6', class: 'empty' }, 'No instance matches.')),
      );
    }
    byId('table-count').textContent =
      shown.length > MAX_ROWS
        ? `Showing the first ${count(MAX_ROWS)} of ${count(shown.length)} matching instances (${count(this.#rows.length)} in all); search to narrow down.`
        : `${count(shown.length)} of ${count(this.#rows.length)} instances.`;
  }
}

function rowOf(row: InstanceRow): HTMLTableRowElement {
  const look = STATUS_LOOK[row.status];
  return el(
    'tr',
    { class: `row-${row.status}`, 'data-ip': row.ip },
    el('td', { class: 'ip' }, row.ip),
    el('td', {}, row.service ?? '(unknown)'),
    el(
      'td',
      {},
      el(
        'span',
        { class: `status status-${row.status}` },
        el('span', { 'aria-hidden': 'true' }, look.icon),
        ` ${look.word}`,
      ),
    ),
    el('td', { class: 'num' }, pct(row.cpu)),
    el('td', { class: 'num' }, pct(row.memory)),
    el('td', { class: 'reason' }, row.error ?? ''),
  );
}

function compare(field: Field, sign: number): (a: InstanceRow, b: InstanceRow) => number {
  const byIp = (a: InstanceRow, b: InstanceRow) =>
    ipNumber(a.ip) - ipNumber(b.ip) || a.ip.localeCompare(b.ip);
  return (a, b) => {
    let primary = 0;
    if (field === 'ip') primary = sign * byIp(a, b);
    else if (field === 'status') primary = sign * (STATUS_RANK[a.status] - STATUS_RANK[b.status]);
    else {
      const x = a[field];
      const y = b[field];
      // Unknown values sort last in either direction, as in the CLI.
      if (x === null || y === null) primary = x === y ? 0 : x === null ? 1 : -1;
      else
        primary =
          sign *
          (typeof x === 'number' && typeof y === 'number'
            ? x - y
            : String(x).localeCompare(String(y)));
    }
    return primary !== 0 ? primary : byIp(a, b);
  };
}

function ipNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) return Number.MAX_SAFE_INTEGER;
  return parts.reduce((n, octet) => n * 256 + (Number(octet) || 0), 0);
}
