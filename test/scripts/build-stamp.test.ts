import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import packageJson from '../../package.json' with { type: 'json' };
import { readStamp } from '../../scripts/build-stamp.ts';

const release = packageJson.version;

describe('readStamp', () => {
  it('takes the build number from CI and shortens the commit', () => {
    const stamp = readStamp({ GITHUB_RUN_NUMBER: '57', FLEETMON_COMMIT: '1A2B3C4D5E6F7' });
    assert.deepEqual(stamp, {
      build: '57',
      commit: '1a2b3c4',
      version: `${release}+build.57.g1a2b3c4`,
    });
  });

  it('prefers FLEETMON_BUILD over the CI system names', () => {
    const env = { FLEETMON_BUILD: '9', GITHUB_RUN_NUMBER: '57', FLEETMON_COMMIT: 'abcdef0' };
    assert.equal(readStamp(env).build, '9');
  });

  it('outside CI is a dev build of the checked-out commit', () => {
    const stamp = readStamp({});
    assert.equal(stamp.build, 'dev');
    assert.match(
      stamp.version,
      new RegExp(`^${release.replaceAll('.', '\\.')}\\+dev\\.g[0-9a-f]{7}$`),
    );
  });

  it('refuses a build number or commit that cannot be semver build metadata', () => {
    assert.throws(() => readStamp({ FLEETMON_BUILD: '5 7' }), /build number "5 7"/);
    assert.throws(() => readStamp({ FLEETMON_COMMIT: 'main' }), /commit "main"/);
  });
});
