import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FleetmonError } from '../core/errors.ts';
import { readSecretFile } from './secret-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'fleetmon-secret-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('readSecretFile', () => {
  it('reads the whole file less its trailing line ends', async () => {
    assert.equal(await readSecretFile(file('a', 'tok en\r\n\n'), '--x', 'usage'), 'tok en');
    assert.equal(await readSecretFile(file('b', 'ops:pw'), '--x', 'usage'), 'ops:pw');
  });

  it('refuses an empty or oversized file, naming the source and never the content', async () => {
    const cases: [string, RegExp][] = [
      [file('empty', '\n'), /^--x .*empty: is empty$/],
      [file('big', Buffer.alloc(70_000, 0x61)), /^--x .*big: larger than 64 KiB/],
    ];
    for (const [path, message] of cases) {
      await assert.rejects(
        readSecretFile(path, '--x', 'config'),
        (err: unknown) =>
          err instanceof FleetmonError && err.code === 'config' && message.test(err.message),
      );
    }
  });
});
