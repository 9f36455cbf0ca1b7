// What must not reach a terminal raw: C0 and C1 controls and DEL (ESC and 8-bit CSI drive the
// terminal), the Unicode line and paragraph separators (they split a one-line message), and
// format characters (Cf): bidi overrides and isolates that reorder what follows, zero-width
// spaces and joiners, soft hyphens and byte-order marks that hide text or make two names look
// the same. JSON.stringify escapes only C0.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** `text` with every unprintable character written as a `\uXXXX` escape, so it prints on one line. */
export function escapeUnprintable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.codePointAt(0) ?? 0;
    const hex = code.toString(16);
    return code > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
  });
}

/** `text` with every unprintable character replaced by U+FFFD, one column each (for tables). */
export function replaceUnprintable(text: string): string {
  return text.replace(UNPRINTABLE, '\uFFFD');
}
