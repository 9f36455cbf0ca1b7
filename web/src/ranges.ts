import { byId, el } from './dom.ts';

/** A time range of the charts and the step it is asked at (null: every scan). */
export interface TimeRange {
  readonly key: string;
  readonly label: string;
  readonly ms: number;
  readonly stepMs: number | null;
}

const HOUR = 3_600_000;

/** The ranges offered; each step keeps a chart between about 300 and 1,500 points. */
export const RANGES: readonly TimeRange[] = [
  { key: '1h', label: '1 h', ms: HOUR, stepMs: null },
  { key: '6h', label: '6 h', ms: 6 * HOUR, stepMs: 60_000 },
  { key: '24h', label: '24 h', ms: 24 * HOUR, stepMs: 60_000 },
  { key: '7d', label: '7 d', ms: 7 * 24 * HOUR, stepMs: 15 * 60_000 },
  { key: '30d', label: '30 d', ms: 30 * 24 * HOUR, stepMs: HOUR },
];

/**
 * The range buttons above the charts. The choice is kept in the address (`#range=24h`), so a
 * link or a reload shows the same range; ranges beyond what the store keeps are disabled.
 */
export class RangePicker {
  #current: TimeRange;
  readonly #buttons = new Map<string, HTMLButtonElement>();

  constructor(reachMs: number, onChange: (range: TimeRange) => void) {
    const fromHash = /range=([0-9a-z]+)/.exec(location.hash)?.[1];
    const usable = RANGES.filter((r) => r.ms <= reachMs || r === RANGES[0]);
    this.#current = usable.find((r) => r.key === fromHash) ?? (RANGES[0] as TimeRange);
    const group = byId('ranges');
    for (const range of RANGES) {
      const disabled = !usable.includes(range);
      const button = el(
        'button',
        {
          type: 'button',
          'data-range': range.key,
          'aria-pressed': String(range === this.#current),
          title: disabled ? 'older than this server keeps history (see --store)' : undefined,
        },
        range.label,
      );
      button.disabled = disabled;
      button.addEventListener('click', () => {
        if (range === this.#current) return;
        this.#current = range;
        history.replaceState(null, '', `#range=${range.key}`);
        for (const [key, b] of this.#buttons)
          b.setAttribute('aria-pressed', String(key === range.key));
        onChange(range);
      });
      this.#buttons.set(range.key, button);
      group.append(button);
    }
  }

  get current(): TimeRange {
    return this.#current;
  }
}
