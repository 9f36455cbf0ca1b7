import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffFrame, ScreenWriter } from './screen.ts';

describe('diffFrame', () => {
  it('rewrites only the lines that changed, inside one synchronized update', () => {
    const out = diffFrame(['a', 'b', 'c'], ['a', 'B', 'c'], false, 10);
    assert.equal(out, '\x1b[?2026h\x1b[2;1HB\x1b[K\x1b[?2026l');
  });

  it('writes nothing when nothing changed', () => {
    assert.equal(diffFrame(['a'], ['a'], false, 10), '');
  });

  it('erases lines the new frame no longer has', () => {
    assert.equal(diffFrame(['a', 'b'], ['a'], false, 10), '\x1b[?2026h\x1b[2;1H\x1b[K\x1b[?2026l');
  });

  it('does not erase after a line that fills the width, which would eat its last character', () => {
    assert.equal(
      diffFrame([], ['\x1b[1mab\x1b[0m'], true, 2),
      '\x1b[?2026h\x1b[1;1H\x1b[1mab\x1b[0m\x1b[?2026l',
    );
  });
});

describe('ScreenWriter', () => {
  it('repaints everything on the first frame and after a resize, then only changes', () => {
    const written: string[] = [];
    const writer = new ScreenWriter((t) => written.push(t));
    writer.draw(['x', 'y'], { columns: 10, rows: 2 });
    assert.ok(written[0]?.includes('\x1b[1;1Hx\x1b[K\x1b[2;1Hy\x1b[K'));
    assert.equal(writer.draw(['x', 'y'], { columns: 10, rows: 2 }), 0);
    writer.draw(['x', 'z'], { columns: 10, rows: 2 });
    assert.doesNotMatch(written[1] ?? '', /1;1H/);
    writer.draw(['x', 'z'], { columns: 12, rows: 2 });
    assert.match(written[2] ?? '', /1;1H/);
  });
});
