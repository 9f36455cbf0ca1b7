import { replaceUnprintable } from '../core/printable.ts';

/**
 * Replaces unprintable characters (controls, bidi overrides, zero-width characters: see
 * core/printable.ts) with U+FFFD, so text from the provider cannot move the cursor, recolour
 * the terminal, break a table row, reorder a line or hide in a name.
 */
export function sanitize(text: string): string {
  return replaceUnprintable(text);
}

/** Width of `text` in terminal columns, counting one per code point (no escapes expected). */
export function visibleLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Shortens `text` to at most `width` columns, ending with `…` when something was cut. */
export function truncate(text: string, width: number): string {
  if (visibleLength(text) <= width) return text;
  if (width <= 0) return '';
  return `${Array.from(text)
    .slice(0, width - 1)
    .join('')}…`;
}

/** `1 instance`, `2 instances`: a count with its noun. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
