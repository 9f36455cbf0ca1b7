// C0 and C1 controls, DEL, and the Unicode line and paragraph separators: what must not reach a
// terminal (ESC, 8-bit CSI) or split a one-line message. JSON.stringify escapes only C0.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `text` with every control character written as a `\uXXXX` escape, so it prints on one line. */
export function escapeUnprintable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
