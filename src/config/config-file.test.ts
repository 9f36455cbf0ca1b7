import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FleetmonError } from '../core/errors.ts';
import { parseConfig } from './config-file.ts';
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
