import uPlot from 'uplot';
import type { ProbeListing } from '../../src/server/probe-answers.ts';
import { byId } from './dom.ts';

const HEIGHT = 170;

/** One probe's runs as the charts draw them (seconds, `null` where there was no value). */
export interface ProbeSeries {
  ts: number[];
  latency: (number | null)[];
  offset: (number | null)[];
  uncertainty: (number | null)[];
}

/**
 * The two charts of the probe selected: latency, and the clock offset with its error band and
 * the ±max-skew limits. Made on first draw, redrawn in place after.
 */
export class ProbeCharts {
  readonly #hosts = { latency: byId('probe-latency'), offset: byId('probe-offset') };
  #plots: { latency?: uPlot; offset?: uPlot } = {};

  /** Redraws from `series`; `onCursor` gets the index of the run pointed at. */
  draw(series: ProbeSeries, probe: ProbeListing, onCursor: (index: number) => void): void {
    const x = series.ts.map((t) => t / 1000);
    const limit = probe.clock?.maxSkewSeconds ?? null;
    const band = (sign: number) =>
      series.offset.map((o, i) => {
        const u = series.uncertainty[i];
        return o === null || u === null || u === undefined ? null : (o + sign * u) * 1000;
      });
    const offset: uPlot.AlignedData = [
      x,
      series.offset.map(toMs),
      band(1),
      band(-1),
      x.map(() => (limit === null ? null : limit * 1000)),
      x.map(() => (limit === null ? null : -limit * 1000)),
    ];
    const readout = (u: uPlot) => {
      const i = u.cursor.idx;
      if (i !== null && i !== undefined) onCursor(i);
    };
    this.#plots.latency = plot(
      this.#plots.latency,
      this.#hosts.latency,
      [x, series.latency.map(toMs)],
      () => latencyOptions(widthOf(this.#hosts.latency), readout),
    );
    this.#plots.offset = plot(this.#plots.offset, this.#hosts.offset, offset, () =>
      offsetOptions(widthOf(this.#hosts.offset), readout),
    );
  }

  /** Removes both charts (another probe was selected). */
  clear(): void {
    for (const chart of Object.values(this.#plots)) chart?.destroy();
    this.#plots = {};
  }

  /** Keeps the charts as wide as the panel. */
  followWidth(): void {
    new ResizeObserver(() => {
      for (const key of ['latency', 'offset'] as const) {
        this.#plots[key]?.setSize({ width: widthOf(this.#hosts[key]), height: HEIGHT });
      }
    }).observe(this.#hosts.latency);
  }
}

/** An axis value in ms as `250 ms` or `1.2 s`. */
function axisMs(v: number): string {
  return Math.abs(v) >= 1000 ? `${Number((v / 1000).toFixed(3))} s` : `${v} ms`;
}

function toMs(seconds: number | null): number | null {
  return seconds === null ? null : seconds * 1000;
}

function plot(
  existing: uPlot | undefined,
  host: HTMLElement,
  data: uPlot.AlignedData,
  options: () => uPlot.Options,
): uPlot {
  if (existing !== undefined) {
    existing.setData(data);
    return existing;
  }
  return new uPlot(options(), data, host);
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

function latencyOptions(width: number, readout: (u: uPlot) => void): uPlot.Options {
  return {
    ...base(readout),
    width,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: axes(axisMs),
    series: [
      {},
      { label: 'latency', stroke: cssVar('--chart-mean', '#0b4f8a'), width: 2, spanGaps: false },
    ],
  };
}

function offsetOptions(width: number, readout: (u: uPlot) => void): uPlot.Options {
  const mean = cssVar('--chart-mean', '#0b4f8a');
  const limit = cssVar('--chart-limit', '#b35900');
  const error = cssVar('--chart-instance', 'rgba(90,105,125,0.35)');
  return {
    ...base(readout),
    width,
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
