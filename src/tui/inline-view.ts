import type { OutStream } from '../cli/io.ts';

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const ERASE_LINE_END = '\x1b[K';
const ERASE_BELOW = '\x1b[J';
// Terminals that support it paint the whole frame at once (no tearing); others ignore it.
const SYNC_BEGIN = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';

/**
 * Redraws a block of lines in place below the prompt: each frame moves the
 * cursor back to the block's first line and overwrites line by line, so
 * nothing flickers. Frames taller than the terminal are cut to fit.
 */
export class InlineView {
  readonly #out: OutStream;
  #height = 0;

  constructor(out: OutStream) {
    this.#out = out;
    out.write(HIDE_CURSOR);
  }

  /** Replaces the previous frame with `lines`. */
  draw(lines: readonly string[]): void {
    const room = Math.max(2, (this.#out.rows ?? 24) - 1);
    const shown =
      lines.length <= room
        ? lines
        : [
            ...lines.slice(0, room - 1),
            `… ${lines.length - room + 1} more lines (enlarge the terminal)`,
          ];
    const up = this.#height > 0 ? `\x1b[${this.#height}F` : '';
    this.#out.write(
      `${SYNC_BEGIN}${up}${shown.map((l) => `${l}${ERASE_LINE_END}\n`).join('')}${ERASE_BELOW}${SYNC_END}`,
    );
    this.#height = shown.length;
  }

  /** Leaves the last frame on screen and gives the cursor back. */
  close(): void {
    this.#out.write(SHOW_CURSOR);
  }
}
