import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FleetmonError } from '../core/errors.ts';
import { translateLegacyArgs } from './legacy.ts';

describe('translateLegacyArgs', () => {
  it('rewrites the original forms', () => {
    assert.deepEqual(translateLegacyArgs(['127.0.0.1:9001', '--summary']), [
      'instances',
      '--api',
      '127.0.0.1:9001',
    ]);
    assert.equal(translateLegacyArgs(['--api', 'demo', 'instances']), null);
  });

  it('returns null, a command line, or a usage error for any argv', () => {
    const arg = fc.oneof(
      fc.constantFrom(
        '--summary',
        '-s',
        '-ss',
        '-ms',
        '-hi',
        '-hc',
        '--api',
        '127.0.0.1:9001',
        '-o',
      ),
      fc.string({ unit: 'binary-ascii', maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 8 }), (argv) => {
        try {
          const out = translateLegacyArgs(argv);
          if (out !== null) assert.ok(out.every((a) => typeof a === 'string'));
        } catch (err) {
          assert.ok(err instanceof FleetmonError, String(err));
          assert.equal(err.code, 'usage');
        }
      }),
      { numRuns: 1000 },
    );
  });
});
