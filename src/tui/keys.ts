/** A key the live monitor understands, decoded from raw terminal input. */
export type Key =
  | { readonly name: 'char'; readonly char: string }
  | {
      readonly name:
        | 'up'
        | 'down'
        | 'left'
        | 'right'
        | 'pageup'
        | 'pagedown'
        | 'home'
        | 'end'
        | 'enter'
        | 'escape'
        | 'backspace'
        | 'tab'
        | 'ctrl-c'
        | 'ctrl-l';
    };

type NamedKey = Exclude<Key, { name: 'char' }>['name'];

// Final bytes of CSI and SS3 sequences (`ESC [ A`, `ESC O A`), as xterm, VTE and tmux send them.
const FINAL: Readonly<Record<string, NamedKey>> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
};

// `ESC [ n ~` forms: 1/7 home, 4/8 end, 5/6 page up/down.
const TILDE: Readonly<Record<string, NamedKey>> = {
  '1': 'home',
  '7': 'home',
  '4': 'end',
  '8': 'end',
  '5': 'pageup',
  '6': 'pagedown',
};

const CONTROL: Readonly<Record<string, NamedKey>> = {
  '\r': 'enter',
  '\n': 'enter',
  '\t': 'tab',
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\x03': 'ctrl-c',
  '\x0c': 'ctrl-l',
};

/**
 * Splits one chunk of terminal input into keys. A lone ESC at the end of a chunk is the
 * Escape key (terminals send a whole sequence in one write); unknown sequences are dropped.
 */
export function decodeKeys(input: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === '\x1b') {
      const [key, length] = decodeEscape(input, i);
      if (key !== null) keys.push(key);
      i += length;
      continue;
    }
    const control = CONTROL[ch];
    if (control !== undefined) keys.push({ name: control });
    else if (ch >= ' ') {
      const cp = input.codePointAt(i) ?? 0;
      const char = String.fromCodePoint(cp);
      keys.push({ name: 'char', char });
      i += char.length;
      continue;
    }
    i++;
  }
  return keys;
}

/** Decodes the escape sequence at `start`; returns the key (or null to drop) and its length. */
function decodeEscape(input: string, start: number): [Key | null, number] {
  const next = input[start + 1];
  if (next === undefined || next === '\x1b') return [{ name: 'escape' }, 1];
  if (next === 'O') {
    const final = input[start + 2];
    const name = final === undefined ? undefined : FINAL[final];
    return [name === undefined ? null : { name }, final === undefined ? 2 : 3];
  }
  if (next !== '[') return [{ name: 'escape' }, 1];
  // CSI: parameter bytes 0x30–0x3f, intermediates 0x20–0x2f, one final byte 0x40–0x7e.
  let end = start + 2;
  while (end < input.length && /[0-?]/.test(input[end] as string)) end++;
  while (end < input.length && /[ -/]/.test(input[end] as string)) end++;
  const final = input[end];
  if (final === undefined) return [null, end - start];
  const params = input.slice(start + 2, end);
  const length = end - start + 1;
  if (final === '~') {
    const name = TILDE[params.split(';')[0] ?? ''];
    return [name === undefined ? null : { name }, length];
  }
  const name = FINAL[final];
  return [name === undefined ? null : { name }, length];
}
