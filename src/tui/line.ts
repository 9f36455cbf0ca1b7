import { sanitize } from '../render/index.ts';

/** SGR parameters of the styles the live view uses (plain codes: no terminal library). */
export const SGR = {
  bold: '1',
  dim: '2',
  inverse: '7',
  red: '31',
  green: '32',
  yellow: '33',
  cyan: '36',
  boldRed: '1;31',
  boldGreen: '1;32',
  boldYellow: '1;33',
} as const;

/** One styled run of text within a line. */
export interface Segment {
  readonly text: string;
  readonly sgr?: string | undefined;
}

/** A segment; shorthand for building lines. */
export function seg(text: string, sgr?: string): Segment {
  return { text, sgr };
}

/** Pads or cuts `text` to exactly `width` columns, aligned left or right. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const chars = Array.from(text);
  if (chars.length > width) return `${chars.slice(0, width - 1).join('')}…`;
  const pad = ' '.repeat(width - chars.length);
  return align === 'right' ? pad + text : text + pad;
}

/**
 * Joins segments into one terminal line of at most `width` columns (one column per code
 * point: the view prints ASCII, block elements and `…` only). With `fill`, the line is
 * padded to the full width so a background style (selection) covers the whole row.
 */
export function composeLine(
  segments: readonly Segment[],
  width: number,
  color: boolean,
  options: { lineSgr?: string | undefined; fill?: boolean } = {},
): string {
  let out = '';
  let used = 0;
  const emit = (text: string, sgr: string | undefined) => {
    if (text === '') return;
    const codes = [options.lineSgr, sgr].filter((c) => c !== undefined && c !== '').join(';');
    out += color && codes !== '' ? `\x1b[${codes}m${text}\x1b[0m` : text;
  };
  for (const segment of segments) {
    if (used >= width) break;
    const chars = Array.from(sanitize(segment.text));
    const room = width - used;
    const text =
      chars.length <= room ? chars.join('') : `${chars.slice(0, Math.max(0, room - 1)).join('')}…`;
    used += Math.min(chars.length, room);
    emit(text, segment.sgr);
  }
  if (options.fill === true && used < width) emit(' '.repeat(width - used), undefined);
  return color ? out : out.replace(/ +$/, '');
}

/** Width of segments as they would print. */
export function segmentsWidth(segments: readonly Segment[]): number {
  let n = 0;
  for (const s of segments) n += Array.from(s.text).length;
  return n;
}
