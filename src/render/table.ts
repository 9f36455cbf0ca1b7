import { paint, type Sgr } from './style.ts';
import { sanitize, truncate, visibleLength } from './text.ts';

/** How a column aligns its cells: text left, numbers right. */
export type Align = 'left' | 'right';

/** One column of a human table. */
export interface Column {
  readonly header: string;
  readonly align: Align;
  /** May be cut with `…` so the table fits the terminal width (free text such as a reason). */
  readonly shrink?: boolean;
}

/** One cell: its plain text and how to colour it; alignment is computed on the plain text. */
export interface Cell {
  readonly text: string;
  readonly style?: Sgr | undefined;
}

/** Layout inputs that come from the terminal rather than the data. */
export interface TableOptions {
  readonly color: boolean;
  /** Terminal columns; shrinkable columns are cut to fit when set. */
  readonly width?: number | undefined;
}

const GAP = '  ';
// Below this a cut reason stops being readable; better to overflow the terminal.
const MIN_SHRUNK_WIDTH = 12;

/** Lays out a header and rows as aligned lines (no trailing newline, no trailing spaces). */
export function layoutTable(
  columns: readonly Column[],
  rows: readonly (readonly Cell[])[],
  opts: TableOptions,
): string[] {
  const clean = rows.map((row) => row.map((cell) => ({ ...cell, text: sanitize(cell.text) })));
  const widths = fitWidths(columns, naturalWidths(columns, clean), opts.width);
  const header = columns.map((col) => ({ text: col.header, style: 'bold' as const }));
  return [header, ...clean].map((cells) => formatLine(columns, widths, cells, opts.color));
}

function naturalWidths(columns: readonly Column[], rows: readonly (readonly Cell[])[]): number[] {
  const widths = columns.map((col) => visibleLength(col.header));
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell.text));
    });
  }
  return widths;
}

/** Takes the overflow out of shrinkable columns, rightmost first. */
function fitWidths(columns: readonly Column[], widths: number[], total: number | undefined) {
  if (total === undefined) return widths;
  let excess = widths.reduce((sum, w) => sum + w, 0) + GAP.length * (widths.length - 1) - total;
  for (let i = columns.length - 1; i >= 0 && excess > 0; i--) {
    const col = columns[i];
    const width = widths[i] ?? 0;
    if (col?.shrink !== true) continue;
    const floor = Math.min(width, Math.max(MIN_SHRUNK_WIDTH, visibleLength(col.header)));
    const cut = Math.min(excess, width - floor);
    widths[i] = width - cut;
    excess -= cut;
  }
  return widths;
}

function formatLine(
  columns: readonly Column[],
  widths: readonly number[],
  cells: readonly Cell[],
  color: boolean,
): string {
  const parts = columns.map((col, i) => {
    const width = widths[i] ?? 0;
    const cell = cells[i] ?? { text: '' };
    const text = truncate(cell.text, width);
    const pad = ' '.repeat(width - visibleLength(text));
    const painted = paint(text, cell.style, color);
    return col.align === 'right' ? pad + painted : painted + pad;
  });
  // Padding after the last visible character is noise in pipes and diffs.
  return parts.join(GAP).replace(/ +$/, '');
}
