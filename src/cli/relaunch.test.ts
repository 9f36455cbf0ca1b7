import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { longRunArgv } from './relaunch.ts';

describe('longRunArgv', () => {
  it('drops the one-shot V8 flags and keeps the other flags, the script and its arguments', () => {
    assert.deepEqual(
      longRunArgv(
        '/n/node',
        ['--max-semi-space-size=16', '--no-concurrent-recompilation'],
        ['/n/node', '/p/bin/fleetmon', '--api', 'demo', 'serve'],
      ),
      ['/n/node', '--max-semi-space-size=16', '/p/bin/fleetmon', '--api', 'demo', 'serve'],
    );
  });

  it('has nothing to do when the process was started without them', () => {
    assert.equal(longRunArgv('/n/node', [], ['/n/node', '/p/bin/fleetmon', 'serve']), undefined);
  });
});
