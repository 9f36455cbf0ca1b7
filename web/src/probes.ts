import uPlot from 'uplot';
import type { ProbeVerdict } from '../../src/core/probe-types.ts';
import type {
  ProbeHistoryAnswer,
  ProbeListing,
  ProbesAnswer,
} from '../../src/server/probe-answers.ts';
import { getJson } from './api.ts';
import { byId, el } from './dom.ts';
import { clock } from './format.ts';

/** How often the panel asks for new results: the shortest probe interval, within bounds. */
const MIN_POLL_MS = 2_000;
const MAX_POLL_MS = 15_000;
const HEIGHT = 170;

/** Verdicts in words with a shape each, so they never depend on colour alone. */
const VERDICT_LOOK: Record<ProbeVerdict | 'waiting', { icon: string; word: string }> = {
  ok: { icon: '✓', word: 'OK' },
  skewed: { icon: '⚠', word: 'Skewed' },
  down: { icon: '✕', word: 'Down' },
  unknown: { icon: '?', word: 'Unknown' },
  waiting: { icon: '…', word: 'Waiting' },
};

/** One probe's runs as the charts draw them, extended with `since=` answers. */
interface Series {
  ts: number[];
  latency: (number | null)[];
  offset: (number | null)[];
  uncertainty: (number | null)[];
}

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
  readonly #hosts = { latency: byId('probe-latency'), offset: byId('probe-offset') };
  #plots: { latency?: uPlot; offset?: uPlot } = {};
  #selected: string | undefined;
  #series: Series = empty();
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
    new ResizeObserver(() => this.#resize()).observe(this.#hosts.latency);
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
    for (const plot of Object.values(this.#plots)) plot?.destroy();
    this.#plots = {};
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
    this.#draw(probe);
  }

  #draw(probe: ProbeListing): void {
    const s = this.#series;
    const x = s.ts.map((t) => t / 1000);
    const latency: uPlot.AlignedData = [x, s.latency.map(toMs)];
    const limit = probe.clock?.maxSkewSeconds ?? null;
    const offsets = s.offset.map(toMs);
    const band = (sign: number) =>
      s.offset.map((o, i) => {
        const u = s.uncertainty[i];
        return o === null || u === null || u === undefined ? null : (o + sign * u) * 1000;
      });
    const offset: uPlot.AlignedData = [
      x,
      offsets,
      band(1),
      band(-1),
      x.map(() => (limit === null ? null : limit * 1000)),
      x.map(() => (limit === null ? null : -limit * 1000)),
    ];
    const readout = (u: uPlot) => {
      const i = u.cursor.idx;
      if (i === null || i === undefined) return;
      const at = s.ts[i];
      if (at === undefined) return;
      this.#readout.textContent = `${probe.name} at ${clock(at)}: latency ${ms(s.latency[i] ?? null)}, offset ${offsetText(s.offset[i] ?? null, s.uncertainty[i] ?? null)}`;
    };
    this.#plots.latency = plot(
      this.#plots.latency,
      this.#hosts.latency,
      latency,
      latencyOptions(readout),
    );
    this.#plots.offset = plot(
      this.#plots.offset,
      this.#hosts.offset,
      offset,
      offsetOptions(readout),
    );
  }

  #resize(): void {
    for (const key of ['latency', 'offset'] as const) {
      this.#plots[key]?.setSize({ width: widthOf(this.#hosts[key]), height: HEIGHT });
    }
  }
}

function empty(): Series {
  return { ts: [], latency: [], offset: [], uncertainty: [] };
}

/** Appends the runs newer than those held, and drops those past the window. */
function merge(series: Series, answer: ProbeHistoryAnswer): void {
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

/** An axis value in ms as `250 ms` or `1.2 s`. */
function axisMs(v: number): string {
  return Math.abs(v) >= 1000 ? `${Number((v / 1000).toFixed(3))} s` : `${v} ms`;
}

function toMs(seconds: number | null): number | null {
  return seconds === null ? null : seconds * 1000;
}

/** `3.2 ms`, `240 ms`, `1.50 s`, or an em dash. */
function ms(seconds: number | null): string {
  if (seconds === null) return '—';
  const v = seconds * 1000;
  if (Math.abs(v) < 10) return `${v.toFixed(1)} ms`;
  if (Math.abs(v) < 1000) return `${v.toFixed(0)} ms`;
  return `${(v / 1000).toFixed(3)} s`;
}

function offsetText(offset: number | null, uncertainty: number | null): string {
  if (offset === null || uncertainty === null) return '—';
  return `${offset >= 0 ? '+' : ''}${ms(offset)} ± ${ms(uncertainty)}`;
}

function plot(
  existing: uPlot | undefined,
  host: HTMLElement,
  data: uPlot.AlignedData,
  options: uPlot.Options,
): uPlot {
  if (existing !== undefined) {
    existing.setData(data);
    return existing;
  }
  return new uPlot(options, data, host);
}

function widthOf(host: HTMLElement): number {
  return Math.max(200, Math.floor(host.getBoundingClientRect().width));
}

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

function axes(unit: (ms: number) => string): uPlot.Axis[] {
  const axis = cssVar('--chart-axis', '#5b6470');
  const grid = cssVar('--chart-grid', 'rgba(0,0,0,0.08)');
  return [
    {
      stroke: axis,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid },
      space: 80,
      values: (_u, splits) =>
        splits.map((s) => new Date(s * 1000).toLocaleTimeString([], { hourCycle: 'h23' })),
    },
    {
      stroke: axis,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid },
      size: 64,
      values: (_u, splits) => splits.map(unit),
    },
  ];
}

function base(
  readout: (u: uPlot) => void,
): Pick<uPlot.Options, 'height' | 'legend' | 'cursor' | 'hooks'> {
  return {
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    hooks: { setCursor: [readout] },
  };
}

function latencyOptions(readout: (u: uPlot) => void): uPlot.Options {
  return {
    ...base(readout),
    width: widthOf(byId('probe-latency')),
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: axes(axisMs),
    series: [
      {},
      { label: 'latency', stroke: cssVar('--chart-mean', '#0b4f8a'), width: 2, spanGaps: false },
    ],
  };
}

function offsetOptions(readout: (u: uPlot) => void): uPlot.Options {
  const mean = cssVar('--chart-mean', '#0b4f8a');
  const limit = cssVar('--chart-limit', '#b35900');
  const error = cssVar('--chart-instance', 'rgba(90,105,125,0.35)');
  return {
    ...base(readout),
    width: widthOf(byId('probe-offset')),
    scales: { x: { time: true } },
    axes: axes(axisMs),
    series: [
      {},
      { label: 'offset', stroke: mean, width: 2 },
      { label: 'offset + error', stroke: error, width: 1, points: { show: false } },
      { label: 'offset − error', stroke: error, width: 1, points: { show: false } },
      { label: '+max skew', stroke: limit, width: 1.5, dash: [6, 4], points: { show: false } },
      { label: '−max skew', stroke: limit, width: 1.5, dash: [6, 4], points: { show: false } },
    ],
    bands: [{ series: [2, 3], fill: error }],
  };
}
