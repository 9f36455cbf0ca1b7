import { stripAnsi } from '../render/index.ts';
import type { Size } from './layout.ts';

// Terminals that support it show the whole update at once (no tearing); others ignore it.
const SYNC_BEGIN = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';
const ERASE_TO_END = '\x1b[K';

/**
 * The bytes that turn the screen showing `previous` into `next`: each changed line is
 * overwritten in place (cursor to its row, the new text, then erase what is left of the
 * old one), inside one synchronized update. Never blanking a line first is what keeps
 * terminals without synchronized output from flickering. Empty when nothing changed;
 * `full` rewrites every line.
 */
export function diffFrame(
  previous: readonly string[],
  next: readonly string[],
  full: boolean,
  columns: number,
): string {
  let out = '';
  const rows = Math.max(previous.length, next.length);
  for (let i = 0; i < rows; i++) {
    const line = next[i] ?? '';
    if (!full && line === (previous[i] ?? '')) continue;
    // A line filling the last column leaves the cursor on it (auto-wrap is off): erasing
    // from there would eat that last character.
    const erase = visibleWidth(line) < columns ? ERASE_TO_END : '';
    out += `\x1b[${i + 1};1H${line}${erase}`;
  }
  return out === '' ? '' : `${SYNC_BEGIN}${out}${SYNC_END}`;
}

/** Draws frames on the screen, writing only the lines that changed since the last one. */
export class ScreenWriter {
  readonly #write: (text: string) => void;
  #previous: readonly string[] = [];
  #size: Size | null = null;

  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  /** Forces the next frame to repaint every line (after a resize or Ctrl-L). */
  invalidate(): void {
    this.#size = null;
  }

  /** Shows `lines`; returns the number of characters written. */
  draw(lines: readonly string[], size: Size): number {
    const full =
      this.#size === null || this.#size.columns !== size.columns || this.#size.rows !== size.rows;
    const bytes = diffFrame(full ? [] : this.#previous, lines, full, size.columns);
    if (bytes !== '') this.#write(bytes);
    this.#previous = lines;
    this.#size = size;
    return bytes.length;
  }
}

function visibleWidth(line: string): number {
  let n = 0;
  for (const _ of line.includes('\x1b') ? stripAnsi(line) : line) n++;
  return n;
}
