import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeKeys } from './keys.ts';

describe('decodeKeys', () => {
  const cases: [string, string, string[]][] = [
    ['letters', 'cq', ['char:c', 'char:q']],
    ['arrows (CSI and SS3)', '\x1b[A\x1b[B\x1bOC\x1bOD', ['up', 'down', 'right', 'left']],
    [
      'page and home/end',
      '\x1b[5~\x1b[6~\x1b[1~\x1b[F\x1b[4~',
      ['pageup', 'pagedown', 'home', 'end', 'end'],
    ],
    ['enter, backspace, ctrl-c', '\r\x7f\x03', ['enter', 'backspace', 'ctrl-c']],
    ['a lone escape', '\x1b', ['escape']],
    ['escape then a letter (Alt-x)', '\x1bx', ['escape', 'char:x']],
    ['unknown sequences are dropped', '\x1b[200~a\x1b[1;5P', ['char:a']],
    ['a modified arrow is still the arrow', '\x1b[1;2A', ['up']],
    ['non-ASCII text', 'é€', ['char:é', 'char:€']],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      const got = decodeKeys(input).map((k) => (k.name === 'char' ? `char:${k.char}` : k.name));
      assert.deepEqual(got, expected);
    });
  }
});
