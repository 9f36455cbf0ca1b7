import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ServiceRow, StatusAnswer } from './api.ts';
import { el } from './dom.ts';
import { clock, pct, STATUS_LOOK } from './format.ts';
import type { HistoryBuffer } from './history-buffer.ts';

/** Thin instance lines drawn per chart at most; the busiest ones, so trouble stays visible. */
export const MAX_LINES = 30;
const HEIGHT = 170;

type Metric = 'cpu' | 'memory';

interface Plot {
  chart: uPlot;
  key: string;
}

/** The time span a chart shows (epoch ms) and the step its points were asked at (null: every scan). */
export interface ChartWindow {
  readonly from: number;
  readonly to: number;
  readonly stepMs: number | null;
}

/** A panel per service with a cpu and a memory chart over the retained window. */
export class ServiceCharts {
  readonly element: HTMLElement;
  readonly #plots = new Map<Metric, Plot>();
  readonly #hosts: Record<Metric, HTMLElement>;
  readonly #subtitle: HTMLElement;
  readonly #badge: HTMLElement;
  readonly #readout: HTMLElement;
  readonly #service: string;
  #window: ChartWindow = { from: 0, to: 0, stepMs: null };

  constructor(service: string) {
    this.#service = service;
    this.#hosts = { cpu: el('div', { class: 'plot' }), memory: el('div', { class: 'plot' }) };
    this.#subtitle = el('span', { class: 'chart-sub' });
    this.#badge = el('span', { class: 'badge' });
    this.#readout = el('p', { class: 'readout', 'aria-live': 'off' });
    this.element = el(
      'article',
      { class: 'chart-panel', 'data-service': service },
      el('header', { class: 'chart-head' }, el('h3', {}, service), this.#badge, this.#subtitle),
      el(
        'div',
        { class: 'chart-pair' },
        el('figure', {}, el('figcaption', {}, 'CPU'), this.#hosts.cpu),
        el('figure', {}, el('figcaption', {}, 'Memory'), this.#hosts.memory),
      ),
      this.#readout,
    );
  }

  /**
   * Redraws from the buffer up to the window's end (a stretch without data, such as serve
   * being stopped, stays empty); charts are rebuilt only when the set of drawn instances changes.
   */
  update(
    buffer: HistoryBuffer,
    row: ServiceRow | undefined,
    status: StatusAnswer,
    window: ChartWindow,
  ): void {
    // From the first point held, not the range's start: a fresh store fills the width.
    this.#window = { ...window, from: Math.max(window.from, buffer.ts[0] ?? window.from) };
    // For tests and scripts: what the charts hold.
    this.element.dataset.points = String(buffer.ts.length);
    this.element.dataset.first = String(buffer.ts[0] ?? '');
    this.element.dataset.step = window.stepMs === null ? 'raw' : String(window.stepMs);
    const state = row?.status ?? 'ok';
    this.#badge.className = `badge badge-${state}`;
    this.#badge.textContent = `${STATUS_LOOK[state].icon} ${STATUS_LOOK[state].word}`;
    const total = buffer.members.size;
    this.#subtitle.textContent =
      total > MAX_LINES
        ? `${total} instances; the ${MAX_LINES} busiest drawn`
        : `${total} instance${total === 1 ? '' : 's'}`;
    this.#draw('cpu', buffer, status.rules.maxCpu);
    this.#draw('memory', buffer, status.rules.maxMemory);
  }

  /** Follows the panel's width. */
  resize(): void {
    for (const [metric, plot] of this.#plots) {
      plot.chart.setSize({ width: widthOf(this.#hosts[metric]), height: HEIGHT });
    }
  }

  destroy(): void {
    for (const plot of this.#plots.values()) plot.chart.destroy();
    this.#plots.clear();
    this.element.remove();
  }

  #draw(metric: Metric, buffer: HistoryBuffer, limit: number): void {
    const lines = busiest(buffer, metric);
    const data: uPlot.AlignedData = [
      buffer.ts.map((t) => t / 1000),
      ...lines.map(([, series]) => series[metric]),
      buffer.ts.map(() => limit),
      buffer[metric],
    ];
    const key = lines.map(([ip]) => ip).join(',');
    const existing = this.#plots.get(metric);
    if (existing !== undefined && existing.key === key) {
      existing.chart.setData(data);
      return;
    }
    existing?.chart.destroy();
    const host = this.#hosts[metric];
    const chart = new uPlot(
      options(
        metric,
        lines.map(([ip]) => ip),
        widthOf(host),
        this.#onCursor,
        () => this.#window,
      ),
      data,
      host,
    );
    this.#plots.set(metric, { chart, key });
  }

  #onCursor = (u: uPlot, metric: Metric, ips: readonly string[]): void => {
    const idx = u.cursor.idx;
    if (idx === null || idx === undefined) return;
    const ts = (u.data[0][idx] ?? 0) * 1000;
    let top: [string, number] | undefined;
    ips.forEach((ip, i) => {
      const value = u.data[i + 1]?.[idx];
      if (typeof value === 'number' && (top === undefined || value > top[1])) top = [ip, value];
    });
    const mean = u.data[u.data.length - 1]?.[idx];
    const label = metric === 'cpu' ? 'CPU' : 'memory';
    this.#readout.textContent = `${this.#service} at ${clock(ts)}: mean ${label} ${pct(mean)}${
      top === undefined ? '' : `, busiest ${top[0]} ${pct(top[1])}`
    }`;
  };
}

function busiest(
  buffer: HistoryBuffer,
  metric: Metric,
): [string, { cpu: (number | null)[]; memory: (number | null)[] }][] {
  const latest = (values: readonly (number | null)[]): number => {
    for (let i = values.length - 1; i >= 0; i--) {
      const v = values[i];
      if (typeof v === 'number') return v;
    }
    return -1;
  };
  return [...buffer.members]
    .sort((a, b) => latest(b[1][metric]) - latest(a[1][metric]) || a[0].localeCompare(b[0]))
    .slice(0, MAX_LINES);
}

/** A tick label: seconds on short spans, the day on spans of days. */
function timeLabel(ms: number, rangeSeconds: number): string {
  const date = new Date(ms);
  if (rangeSeconds > 36 * 3600) {
    return `${date.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${date.toLocaleTimeString([], { hourCycle: 'h23', hour: '2-digit', minute: '2-digit' })}`;
  }
  return date.toLocaleTimeString([], {
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    ...(rangeSeconds < 600 ? { second: '2-digit' } : {}),
  });
}

function widthOf(host: HTMLElement): number {
  return Math.max(200, Math.floor(host.getBoundingClientRect().width));
}

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

function options(
  metric: Metric,
  ips: readonly string[],
  width: number,
  onCursor: (u: uPlot, metric: Metric, ips: readonly string[]) => void,
  window: () => ChartWindow,
): uPlot.Options {
  const axis = cssVar('--chart-axis', '#5b6470');
  const grid = cssVar('--chart-grid', 'rgba(0,0,0,0.08)');
  const mean = cssVar('--chart-mean', '#0b4f8a');
  const instance = cssVar('--chart-instance', 'rgba(90,105,125,0.35)');
  const limit = cssVar('--chart-limit', '#b35900');
  return {
    width,
    height: HEIGHT,
    scales: {
      x: { time: true, range: () => [window().from / 1000, window().to / 1000] },
      y: { auto: false, range: [0, 100] },
    },
    axes: [
      {
        stroke: axis,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid },
        space: 80,
        // One line of local time; uPlot's default adds a second line of dates.
        values: (u, splits) => {
          const range = (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0);
          return splits.map((s) => timeLabel(s * 1000, range));
        },
      },
      {
        stroke: axis,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid },
        size: 50,
        splits: () => [0, 25, 50, 75, 100],
        values: (_u, splits) => splits.map((v) => `${v}%`),
      },
    ],
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    series: [
      {},
      ...ips.map((ip) => ({ label: ip, stroke: instance, width: 1, points: { show: false } })),
      { label: 'limit', stroke: limit, width: 1.5, dash: [6, 4], points: { show: false } },
      { label: `mean ${metric}`, stroke: mean, width: 3 },
    ],
    hooks: { setCursor: [(u) => onCursor(u, metric, ips)] },
  };
}
