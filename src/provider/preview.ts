import { escapeUnprintable } from '../core/printable.ts';

/** A value from the provider as short, printable, one-line JSON, for reasons and warnings. */
export function preview(value: unknown, max = 40): string {
  const text = escapeUnprintable(JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
