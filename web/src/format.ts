import { formatPercent } from '../../src/render/index.ts';
import type { InstanceStatus } from './api.ts';

/** Status words with a shape each, so status never depends on colour alone. */
export const STATUS_LOOK: Record<
  InstanceStatus | 'ok' | 'flagged',
  { icon: string; word: string }
> = {
  healthy: { icon: '●', word: 'Healthy' },
  unhealthy: { icon: '▲', word: 'Unhealthy' },
  unreachable: { icon: '✕', word: 'Unreachable' },
  ok: { icon: '✓', word: 'OK' },
  flagged: { icon: '⚠', word: 'Flagged' },
};

/** `61%`, `47.3%` (rounded as the CLI rounds), or an em dash for unknown. */
export function pct(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return formatPercent(value);
}

/** Local wall-clock time with seconds. */
export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** `350 ms`, `2.4 s`, `15 s`, `1 min`, `1 h`. */
export function span(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))} min`;
  return `${Number((ms / 3_600_000).toFixed(1))} h`;
}

/** `1,234`. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
