import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import packageJson from '../../package.json' with { type: 'json' };
import { buildInfo, formatVersion } from './build-info.ts';

describe('formatVersion', () => {
  it('joins package version, CI build number and commit as semver build metadata', () => {
    assert.equal(formatVersion('0.3.0', '57', '1a2b3c4'), '0.3.0+build.57.g1a2b3c4');
  });

  it('says dev for a build made outside CI, and leaves out a commit it does not know', () => {
    assert.equal(formatVersion('0.3.0', 'dev', '1a2b3c4'), '0.3.0+dev.g1a2b3c4');
    assert.equal(formatVersion('0.3.0', 'dev', 'unknown'), '0.3.0+dev');
    assert.equal(formatVersion('0.3.0', '8', 'unknown'), '0.3.0+build.8');
  });
});

describe('buildInfo', () => {
  it('run from sources, is the package version of a dev build', () => {
    assert.deepEqual(buildInfo(), {
      version: `${packageJson.version}+dev`,
      build: 'dev',
      commit: 'unknown',
    });
  });
});
