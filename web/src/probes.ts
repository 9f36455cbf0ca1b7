import { formatMs, formatOffset } from '../../src/core/probe-record.ts';
import type { ProbeVerdict } from '../../src/core/probe-types.ts';
import type {
  ProbeHistoryAnswer,
  ProbeListing,
  ProbesAnswer,
} from '../../src/server/probe-answers.ts';
import { getJson } from './api.ts';
import { byId, el } from './dom.ts';
import { clock } from './format.ts';
import { ProbeCharts, type ProbeSeries } from './probe-charts.ts';

/** How often the panel asks for new results: the shortest probe interval, within bounds. */
const MIN_POLL_MS = 2_000;
const MAX_POLL_MS = 15_000;

/** Verdicts in words with a shape each, so they never depend on colour alone. */
const VERDICT_LOOK: Record<ProbeVerdict | 'waiting', { icon: string; word: string }> = {
  ok: { icon: '✓', word: 'OK' },
  skewed: { icon: '⚠', word: 'Skewed' },
  down: { icon: '✕', word: 'Down' },
  unknown: { icon: '?', word: 'Unknown' },
  waiting: { icon: '…', word: 'Waiting' },
};

/**
 * The probes panel: a table of every configured probe with its last verdict, and latency and
 * clock-offset charts (the offset with its error band and the ±max-skew limits) for the probe
 * selected. Hidden when `serve` runs no probes. Polls `/api/v1/probes`; the ETag makes an
 * unchanged answer a 304.
 */
export class ProbePanel {
  readonly #section = byId('probes-section');
  readonly #body = byId<HTMLTableElement>('probes').tBodies[0] as HTMLTableSectionElement;
  readonly #title = byId('probe-chart-title');
  readonly #readout = byId('probe-readout');
  readonly #charts = new ProbeCharts();
  #selected: string | undefined;
  #series: ProbeSeries = empty();
  #probes: readonly ProbeListing[] = [];

  /** Starts polling; errors show in the panel and polling goes on. */
  start(): void {
    const tick = async (): Promise<void> => {
      let wait = MAX_POLL_MS;
      try {
        const answer = await getJson<ProbesAnswer>('probes');
        this.#probes = answer.probes;
        wait = pollInterval(answer.probes);
        this.#render();
        await this.#updateCharts();
      } catch (err) {
        this.#readout.textContent = `Could not load probes: ${err instanceof Error ? err.message : String(err)}`;
      }
      setTimeout(() => void tick(), wait);
    };
    void tick();
    this.#charts.followWidth();
  }

  #render(): void {
    this.#section.hidden = this.#probes.length === 0;
    if (this.#probes.length === 0) return;
    if (this.#selected === undefined || !this.#probes.some((p) => p.name === this.#selected)) {
      // Trouble first: the first probe that is not ok, else the first that reads a clock.
      const pick =
        this.#probes.find((p) => p.last !== null && !p.last.ok) ??
        this.#probes.find((p) => p.clock !== null) ??
        this.#probes[0];
      this.#select(pick?.name);
    }
    this.#body.replaceChildren(...this.#probes.map((p) => this.#rowOf(p)));
  }

  #rowOf(probe: ProbeListing): HTMLTableRowElement {
    const last = probe.last;
    const state = last?.verdict ?? 'waiting';
    const look = VERDICT_LOOK[state];
    const button = el(
      'button',
      {
        type: 'button',
        class: 'probe-name',
        'aria-pressed': String(probe.name === this.#selected),
        title: probe.url,
      },
      probe.name,
    );
    button.addEventListener('click', () => {
      this.#select(probe.name);
      this.#render();
      void this.#updateCharts();
    });
    return el(
      'tr',
      { 'data-probe': probe.name, class: probe.name === this.#selected ? 'selected' : undefined },
      el('td', {}, button),
      el(
        'td',
        {},
        el(
          'span',
          { class: `status verdict-${state}` },
          el('span', { 'aria-hidden': 'true' }, look.icon),
          ` ${look.word}`,
        ),
      ),
      el(
        'td',
        { class: 'num' },
        last?.status === null || last === null ? '—' : String(last.status),
      ),
      el('td', { class: 'num' }, ms(last?.latencySeconds ?? null)),
      el(
        'td',
        { class: 'num' },
        offsetText(last?.offsetSeconds ?? null, last?.uncertaintySeconds ?? null),
      ),
      el('td', { class: 'reason' }, last?.reason ?? ''),
      el('td', { class: 'num' }, last === null ? '' : clock(Date.parse(last.ts))),
    );
  }

  #select(name: string | undefined): void {
    if (name === this.#selected) return;
    this.#selected = name;
    this.#series = empty();
    this.#charts.clear();
  }

  async #updateCharts(): Promise<void> {
    const probe = this.#probes.find((p) => p.name === this.#selected);
    if (probe === undefined) return;
    const since = this.#series.ts.at(-1);
    const answer = await getJson<ProbeHistoryAnswer>(
      `probes/history?probe=${encodeURIComponent(probe.name)}${since === undefined ? '' : `&since=${since}`}`,
    );
    if (probe.name !== this.#selected) return;
    merge(this.#series, answer);
    this.#title.textContent = `${probe.name} — ${probe.method} ${probe.url}, every ${probe.intervalSeconds} s`;
    this.#charts.draw(this.#series, probe, (i) => {
      const s = this.#series;
      const at = s.ts[i];
      if (at === undefined) return;
      this.#readout.textContent = `${probe.name} at ${clock(at)}: latency ${ms(s.latency[i] ?? null)}, offset ${offsetText(s.offset[i] ?? null, s.uncertainty[i] ?? null)}`;
    });
  }
}

function empty(): ProbeSeries {
  return { ts: [], latency: [], offset: [], uncertainty: [] };
}

/** Appends the runs newer than those held, and drops those past the window. */
function merge(series: ProbeSeries, answer: ProbeHistoryAnswer): void {
  const last = series.ts.at(-1) ?? Number.NEGATIVE_INFINITY;
  answer.ts.forEach((t, i) => {
    if (t <= last) return;
    series.ts.push(t);
    series.latency.push(answer.latencySeconds[i] ?? null);
    series.offset.push(answer.offsetSeconds[i] ?? null);
    series.uncertainty.push(answer.uncertaintySeconds[i] ?? null);
  });
  const from = series.ts.findIndex((t) => t >= Date.now() - answer.windowMs);
  if (from > 0) {
    for (const key of ['ts', 'latency', 'offset', 'uncertainty'] as const)
      series[key].splice(0, from);
  }
}

function pollInterval(probes: readonly ProbeListing[]): number {
  const shortest = Math.min(...probes.map((p) => p.intervalSeconds * 1000));
  return Math.min(
    MAX_POLL_MS,
    Math.max(MIN_POLL_MS, Number.isFinite(shortest) ? shortest : MAX_POLL_MS),
  );
}

/** Seconds as the CLI prints them (`3.2 ms`, `240 ms`, `1.502 s`), or an em dash. */
function ms(seconds: number | null): string {
  return seconds === null ? '—' : formatMs(seconds * 1000);
}

function offsetText(offset: number | null, uncertainty: number | null): string {
  if (offset === null || uncertainty === null) return '—';
  return `${formatOffset(offset * 1000)} ± ${formatMs(uncertainty * 1000)}`;
}
