// C0, DEL and C1 controls: a provider answering garbage must not be able to
// move the cursor, recolour the terminal or break a table row.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Replaces control characters with U+FFFD so untrusted text is safe to print in a table. */
export function sanitize(text: string): string {
  return text.replace(CONTROL, '\uFFFD');
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
