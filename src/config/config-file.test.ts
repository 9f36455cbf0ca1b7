import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FleetmonError } from '../core/errors.ts';
import { parseConfig, readConfigFile } from './config-file.ts';
import { SETTING_KEYS } from './settings.ts';

describe('parseConfig', () => {
  it('reads known keys as text', () => {
    assert.deepEqual(
      parseConfig('{"api": "demo", "maxInstances": 5000, "maxBody": "64KiB"}', 'f.json'),
      {
        api: 'demo',
        maxInstances: '5000',
        maxBody: '64KiB',
      },
    );
  });

  it('names an unknown key on one line, even a hostile one', () => {
    assert.throws(
      () => parseConfig('{"colour\\n\\u001b[31m": true}', 'f.json'),
      (err: unknown) =>
        err instanceof FleetmonError &&
        err.code === 'config' &&
        err.message.startsWith('f.json: unknown key "colour\\u000a\\u001b[31m"') &&
        !/[\r\n]/.test(err.message) &&
        !err.message.includes('\u001b'),
    );
  });
});

describe('a config file that is not JSON', () => {
  const fails = (text: string): string => {
    try {
      parseConfig(text, 'f.json');
    } catch (err) {
      assert.ok(err instanceof FleetmonError && err.code === 'config', String(err));
      return err.message;
    }
    return assert.fail('expected a config error');
  };

  it('says where it went wrong without echoing what the file holds', () => {
    assert.equal(
      fails('secret-api-key=abcdef123456\nother\n'),
      'f.json: not valid JSON at line 1, column 1',
    );
    assert.equal(
      fails('{"api": "x",\n "timeout": secretvalue123}'),
      'f.json: not valid JSON at line 2, column 13',
    );
    assert.equal(
      fails('{"api": "x"} trailing-secret'),
      'f.json: not valid JSON at line 1, column 14',
    );
    assert.equal(fails('{"api": "x",'), 'f.json: not valid JSON (it ends too early)');
  });

  it('never echoes a run of the file, whatever it holds', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 0, maxLength: 20 }),
        fc.stringMatching(/^[a-z]{8,16}$/),
        fc.string({ maxLength: 20 }),
        (before, secret, after) => {
          try {
            parseConfig(`${before}${secret}${after}`, 'f.json');
          } catch (err) {
            assert.ok(!(err as Error).message.includes(secret.slice(0, 6)), (err as Error).message);
          }
        },
      ),
    );
  });
});

describe('readConfigFile', () => {
  it('names the problem with a file it cannot read, in words', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetmon-config-'));
    try {
      await assert.rejects(readConfigFile(join(dir, 'none.json')), /: no such file$/);
      await assert.rejects(readConfigFile(dir), /: is a directory, not a file$/);
      const big = join(dir, 'big.json');
      writeFileSync(big, `{"api": "${'x'.repeat(1024 * 1024)}"}`);
      await assert.rejects(
        readConfigFile(big),
        /: larger than 1 MiB, too large for a config file$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseConfig properties', () => {
  it('returns settings or throws a one-line config error, for any text', () => {
    const settings = fc.dictionary(
      fc.oneof(fc.constantFrom(...SETTING_KEYS), fc.string()),
      fc.oneof(fc.string(), fc.integer(), fc.double(), fc.jsonValue()),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary-ascii' }),
          fc.json(),
          settings.map((o) => JSON.stringify(o)),
        ),
        (text) => {
          try {
            const raw = parseConfig(text, 'fleetmon.json');
            for (const [key, value] of Object.entries(raw)) {
              assert.ok((SETTING_KEYS as string[]).includes(key));
              assert.equal(typeof value, 'string');
            }
          } catch (err) {
            assert.ok(err instanceof FleetmonError, String(err));
            assert.equal(err.code, 'config');
            // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
            assert.doesNotMatch(err.message, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
