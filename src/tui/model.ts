import type { HealthRules, InstanceRow } from '../core/types.ts';
import { MonitorData } from './data.ts';
import { capacityFor } from './history.ts';
import type { Key } from './keys.ts';
import { bodyHeight, type Size } from './layout.ts';
import {
  filterRows,
  instanceRows,
  type Sort,
  type SortKey,
  serviceRows,
  sortRows,
  UNKNOWN_SERVICE_KEY,
  type ViewRow,
} from './rows.ts';

/** What one scan covers: the whole fleet (service list) or one service's instances. */
export type Target =
  | { readonly kind: 'fleet' }
  | { readonly kind: 'service'; readonly name: string };

/** One finished scan, as the polling loop hands it to the model. */
export interface ScanResult {
  readonly target: Target;
  /** Epoch ms when the scan started. */
  readonly at: number;
  readonly durationMs: number;
  /** Fleet scans: every instance; service scans: the service's instances. */
  readonly rows: readonly InstanceRow[];
  /** Extra attempts the provider client needed. */
  readonly retries: number;
  /** The service's name as the provider spells it (service scans). */
  readonly serviceName?: string | undefined;
  /** What the history store held before this scan, on a target's first scan (to fill the sparklines). */
  readonly past?: RecentPast | undefined;
}

/** A cpu and a memory value per tick, oldest first; null where there was none. */
export interface PastSeries {
  readonly cpu: readonly (number | null)[];
  readonly memory: readonly (number | null)[];
}

/**
 * The recent past of a target as the history store had it: `ticks` slots of the monitor's
 * interval, ending where the live view begins.
 */
export interface RecentPast {
  readonly ticks: number;
  /** By key: the service name (fleet view) or the instance IP (service view). */
  readonly series: ReadonlyMap<string, PastSeries>;
  /** The service's own mean (service view) or the whole fleet's (fleet view). */
  readonly total?: PastSeries | undefined;
}

/** What the last successful scan took. */
export interface ScanInfo {
  readonly at: number;
  readonly durationMs: number;
  readonly retries: number;
  readonly unreachable: number;
}

/** Fixed for a whole run. */
export interface MonitorConfig {
  readonly rules: HealthRules;
  readonly color: boolean;
  readonly historyMs: number;
  readonly intervalMs: number;
  /** Formats a scan's time for the header (local time in production, UTC in tests). */
  readonly formatTime: (ts: number) => string;
}

/** What the loop must do after a key: nothing, stop, scan now (target changed), or re-time the next scan. */
export type Effect = 'none' | 'quit' | 'rescan' | 'reschedule' | 'redraw';

/** Interval steps for `+` and `-`. */
export const INTERVAL_STEPS = [500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 300_000];

const SORT_KEYS: Readonly<Record<string, SortKey>> = {
  c: 'cpu',
  m: 'memory',
  i: 'ip',
  s: 'status',
};

/**
 * The live monitor's whole state, changed only by events (scan results, keys, resizes)
 * and read by the pure frame renderer. No clock, no I/O: times come in with the events.
 */
export class MonitorModel {
  readonly config: MonitorConfig;
  mode: 'list' | 'detail';
  /** The service shown in detail mode, as the provider spells it once known. */
  service: string | null;
  intervalMs: number;
  paused = false;
  filter = '';
  editingFilter = false;
  showHelp = false;
  /** First table row on screen. */
  scroll = 0;
  /** Selected service in the list. */
  selected: string | null = null;
  size: Size = { columns: 80, rows: 24 };
  lastScan: ScanInfo | null = null;
  lastError: { at: number; message: string } | null = null;
  /** Progress of the scan in flight, shown until there is something to show. */
  progress: { done: number; total: number } | null = null;
  /** Everything the scans taught us, in bounded memory. */
  readonly data: MonitorData;
  #sorts: Record<'list' | 'detail', Sort> = {
    list: { key: 'status', reversed: false },
    detail: { key: 'cpu', reversed: false },
  };
  #version = 0;
  #view: { version: number; rows: ViewRow[] } | null = null;

  constructor(config: MonitorConfig, service: string | null) {
    this.config = config;
    this.intervalMs = config.intervalMs;
    this.mode = service === null ? 'list' : 'detail';
    this.service = service;
    this.data = new MonitorData(capacityFor(config.historyMs, config.intervalMs), config.rules);
  }

  /** What the next scan should read. */
  get target(): Target {
    return this.mode === 'list' || this.service === null
      ? { kind: 'fleet' }
      : { kind: 'service', name: this.service };
  }

  get sort(): Sort {
    return this.#sorts[this.mode];
  }

  /** True once a scan of the current target has been shown. */
  get hasData(): boolean {
    return this.mode === 'list'
      ? this.data.services.lastTickAt !== null
      : this.data.instances.lastTickAt !== null;
  }

  /** The table's rows, filtered and sorted (memoized until something changes). */
  viewRows(): ViewRow[] {
    if (this.#view?.version === this.#version) return this.#view.rows;
    const all =
      this.mode === 'list'
        ? serviceRows(this.data.services, this.intervalMs)
        : instanceRows(this.data.instances, this.intervalMs);
    const rows = sortRows(filterRows(all, this.filter), this.sort);
    this.#view = { version: this.#version, rows };
    return rows;
  }

  /** Applies a finished scan; results for a target no longer shown are dropped. */
  applyScan(result: ScanResult): void {
    if (!sameTarget(result.target, this.target)) return;
    this.progress = null;
    this.lastError = null;
    this.lastScan = {
      at: result.at,
      durationMs: result.durationMs,
      retries: result.retries,
      unreachable: result.rows.filter((row) => row.status === 'unreachable').length,
    };
    if (result.target.kind === 'fleet') {
      if (result.past !== undefined) this.data.prefillFleet(result.past, result.rows);
      this.data.applyFleet(result.at, result.rows, this.intervalMs);
    } else {
      this.service = result.serviceName ?? this.service ?? result.target.name;
      if (result.past !== undefined)
        this.data.prefillService(result.past, result.rows, this.service);
      this.data.applyService(result.at, result.rows, this.service, this.intervalMs);
    }
    this.#changed();
  }

  /** A scan failed after the first one: say so in the header; polling goes on. */
  applyScanError(at: number, message: string): void {
    this.progress = null;
    this.lastError = { at, message };
  }

  applyProgress(done: number, total: number): void {
    this.progress = { done, total };
  }

  applyResize(size: Size): void {
    this.size = size;
    this.#clampScroll();
  }

  /** Handles one key and says what the polling loop must do about it. */
  applyKey(key: Key): Effect {
    if (key.name === 'ctrl-c') return 'quit';
    if (key.name === 'ctrl-l') return 'redraw';
    if (this.editingFilter) return this.#filterKey(key);
    if (this.showHelp && !(key.name === 'char' && key.char === 'q')) {
      this.showHelp = false;
      return 'none';
    }
    if (key.name === 'char') return this.#charKey(key.char);
    switch (key.name) {
      case 'enter':
        return this.#drillIn();
      case 'escape':
        return this.#back();
      default:
        this.#move(key.name);
        return 'none';
    }
  }

  #charKey(char: string): Effect {
    const sortKey = SORT_KEYS[char.toLowerCase()];
    if (sortKey !== undefined) {
      const current = this.sort;
      this.#sorts[this.mode] = {
        key: sortKey,
        reversed: current.key === sortKey && !current.reversed,
      };
      // A new order is read from the top, where the worst (or first) rows now are.
      this.scroll = 0;
      this.#changed();
      return 'none';
    }
    switch (char) {
      case 'q':
      case 'Q':
        return 'quit';
      case '?':
      case 'h':
        this.showHelp = true;
        return 'none';
      case '/':
        this.editingFilter = true;
        return 'none';
      case ' ':
      case 'p':
        this.paused = !this.paused;
        return 'reschedule';
      case '+':
      case '=':
        return this.#setInterval(INTERVAL_STEPS.find((ms) => ms > this.intervalMs));
      case '-':
      case '_':
        return this.#setInterval(INTERVAL_STEPS.findLast((ms) => ms < this.intervalMs));
      case 'r':
        return 'rescan';
      case 'k':
        this.#move('up');
        return 'none';
      case 'j':
        this.#move('down');
        return 'none';
      default:
        return 'none';
    }
  }

  #filterKey(key: Key): Effect {
    if (key.name === 'char') this.filter += key.char;
    else if (key.name === 'backspace') this.filter = Array.from(this.filter).slice(0, -1).join('');
    else if (key.name === 'enter') this.editingFilter = false;
    else if (key.name === 'escape') {
      this.filter = '';
      this.editingFilter = false;
    } else {
      this.#move(key.name);
      return 'none';
    }
    this.scroll = 0;
    this.#changed();
    return 'none';
  }

  #setInterval(ms: number | undefined): Effect {
    if (ms === undefined) return 'none';
    this.intervalMs = ms;
    this.data.resize(capacityFor(this.config.historyMs, ms));
    this.#changed();
    return 'reschedule';
  }

  #drillIn(): Effect {
    if (this.mode !== 'list') return 'none';
    const row = this.viewRows().find((r) => r.key === this.selected) ?? this.viewRows()[0];
    if (row === undefined || row.key === UNKNOWN_SERVICE_KEY || row.service?.service == null) {
      return 'none';
    }
    const name = row.service.service;
    this.mode = 'detail';
    this.service = name;
    this.filter = '';
    this.scroll = 0;
    this.data.openService(name, this.intervalMs);
    this.#changed();
    return 'rescan';
  }

  #back(): Effect {
    if (this.filter !== '') {
      this.filter = '';
      this.#changed();
      return 'none';
    }
    if (this.mode !== 'detail') return 'none';
    this.mode = 'list';
    this.selected = this.service;
    this.data.closeService();
    this.#changed();
    this.#follow();
    return 'rescan';
  }

  #move(name: Key['name']): void {
    const page = Math.max(1, bodyHeight(this.size));
    const step = STEPS[name]?.(page) ?? 0;
    if (step === 0) return;
    const rows = this.viewRows();
    if (this.mode === 'list') {
      const at = Math.max(
        0,
        rows.findIndex((r) => r.key === this.selected),
      );
      const next = Math.min(rows.length - 1, Math.max(0, at + step));
      this.selected = rows[next]?.key ?? null;
      this.#follow();
    } else {
      this.scroll = clamp(this.scroll + step, 0, Math.max(0, rows.length - page));
    }
  }

  #changed(): void {
    this.#version++;
    this.#clampScroll();
  }

  #clampScroll(): void {
    if (this.mode === 'list') this.#follow();
    else {
      const max = Math.max(0, this.viewRows().length - bodyHeight(this.size));
      this.scroll = clamp(this.scroll, 0, max);
    }
  }

  /** Keeps the selected service on screen (list mode). */
  #follow(): void {
    const rows = this.viewRows();
    const page = Math.max(1, bodyHeight(this.size));
    let index = rows.findIndex((r) => r.key === this.selected);
    if (index < 0 && rows.length > 0) {
      index = 0;
      this.selected = rows[0]?.key ?? null;
    }
    if (index < this.scroll) this.scroll = index;
    else if (index >= this.scroll + page) this.scroll = index - page + 1;
    this.scroll = clamp(this.scroll, 0, Math.max(0, rows.length - page));
  }
}

/** Rows each navigation key moves by, given the page height. */
const STEPS: Partial<Record<Key['name'], (page: number) => number>> = {
  up: () => -1,
  down: () => 1,
  pageup: (page) => -page,
  pagedown: (page) => page,
  home: () => Number.NEGATIVE_INFINITY,
  end: () => Number.POSITIVE_INFINITY,
};

function sameTarget(a: Target, b: Target): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'fleet' || b.kind === 'fleet') return true;
  return a.name.toLowerCase() === b.name.toLowerCase();
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
