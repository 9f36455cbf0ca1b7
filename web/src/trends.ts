import {
  ApiError,
  getJson,
  type HistoryAnswer,
  type ScanEvent,
  type StatusAnswer,
  type StoreHealth,
} from './api.ts';
import { MAX_LINES, ServiceCharts } from './charts.ts';
import { byId } from './dom.ts';
import { HistoryBuffer } from './history-buffer.ts';
import { RangePicker, type TimeRange } from './ranges.ts';

/**
 * The Trends section: a chart pair per service over the chosen time range, read from the
 * history store (so the charts go on across a restart of serve) and extended after every scan.
 */
export class Trends {
  readonly #buffers = new Map<string, HistoryBuffer>();
  readonly #charts = new Map<string, ServiceCharts>();
  readonly #status: StatusAnswer;
  readonly #picker: RangePicker;
  readonly #onStore: (health: StoreHealth | null, problem: string | null) => void;
  #lastScan: ScanEvent | undefined;
  #updating: Promise<void> = Promise.resolve();

  /**
   * `onStore` hears, after each scan, how the store's writes fare and whether history could be
   * read (a problem to show, or null).
   */
  constructor(
    status: StatusAnswer,
    onStore: (health: StoreHealth | null, problem: string | null) => void,
  ) {
    this.#status = status;
    this.#onStore = onStore;
    this.#picker = new RangePicker(status.historyMs, () => {
      for (const buffer of this.#buffers.values()) buffer.lastStored = undefined;
      this.#buffers.clear();
      if (this.#lastScan !== undefined) void this.update(this.#lastScan);
    });
  }

  /** Brings every chart up to `scan`; one update at a time, in order. */
  update(scan: ScanEvent): Promise<void> {
    this.#lastScan = scan;
    this.#updating = this.#updating.then(() => this.#update(scan));
    return this.#updating;
  }

  resize(): void {
    for (const chart of this.#charts.values()) chart.resize();
  }

  async #update(scan: ScanEvent): Promise<void> {
    const range = this.#picker.current;
    // Same order as the cards: flagged services first.
    const rows = scan.services
      .flatMap((s) => (s.service === null ? [] : [s]))
      .sort((a, b) => Number(b.status === 'flagged') - Number(a.status === 'flagged'));
    const names = rows.map((s) => s.service as string);
    const [answers, latest] = await Promise.all([
      Promise.all(names.map((name) => this.#fetch(name, range))),
      getJson<StatusAnswer>('status').catch(() => undefined),
    ]);
    const problem = answers.find((a): a is ApiError => a instanceof ApiError && a.status === 503);
    this.#onStore(latest?.store ?? null, problem === undefined ? null : problem.message);
    const container = byId('charts');
    for (const [name, chart] of this.#charts) {
      if (names.includes(name)) continue;
      chart.destroy();
      this.#charts.delete(name);
      this.#buffers.delete(name);
    }
    const window = { from: scan.scannedAt - range.ms, to: scan.scannedAt };
    const gapMs = Math.max(3 * this.#status.intervalMs, 2 * (range.stepMs ?? 0));
    rows.forEach((row, i) => {
      const name = row.service as string;
      const buffer = this.#buffer(name);
      const answer = answers[i];
      if (answer instanceof ApiError || answer === undefined) {
        buffer.appendLive(scan.scannedAt, row.cpu, row.memory, gapMs);
      } else {
        buffer.merge(answer, gapMs);
      }
      buffer.trim(window.from);
      let chart = this.#charts.get(name);
      if (chart === undefined) {
        chart = new ServiceCharts(name);
        this.#charts.set(name, chart);
      }
      container.append(chart.element);
      chart.update(buffer, row, this.#status, { ...window, stepMs: range.stepMs });
    });
  }

  /** The service's history since what is held (all of the range at first); an ApiError when refused. */
  async #fetch(name: string, range: TimeRange): Promise<HistoryAnswer | ApiError | undefined> {
    const held = this.#buffers.get(name)?.lastStored;
    const step = range.stepMs === null ? 'raw' : `${range.stepMs / 1000}s`;
    const since =
      held === undefined
        ? `from=${range.key}`
        : range.stepMs === null
          ? `since=${held}`
          : `from=${held}`;
    try {
      return await getJson<HistoryAnswer>(
        `history?service=${encodeURIComponent(name)}&${since}&step=${step}&members=${MAX_LINES}`,
      );
    } catch (err) {
      return err instanceof ApiError ? err : undefined;
    }
  }

  #buffer(name: string): HistoryBuffer {
    let buffer = this.#buffers.get(name);
    if (buffer === undefined) {
      buffer = new HistoryBuffer();
      this.#buffers.set(name, buffer);
    }
    return buffer;
  }
}
