// The build number and commit that scripts/build.ts stamps into the bundle, and the version
// they make (scripts/version.ts prints it for the image build and CI).
import { execFileSync } from 'node:child_process';
import packageJson from '../package.json' with { type: 'json' };
import { formatVersion } from '../src/server/build-info.ts';

/** Build number and short commit, as `/version` and `fleetmon_build_info` report them. */
export interface BuildStamp {
  readonly build: string;
  readonly commit: string;
  /** The version users see, e.g. `0.2.0+build.57.g1a2b3c4`. */
  readonly version: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The build number CI gives, under the names the common CI systems use. */
const BUILD_VARIABLES = ['FLEETMON_BUILD', 'GITHUB_RUN_NUMBER', 'BUILD_NUMBER', 'CI_PIPELINE_IID'];

/**
 * Reads the stamp from CI's environment, else from git. Throws (the build fails) on a build
 * number or commit that cannot be semver build metadata, rather than ship a version that lies.
 */
export function readStamp(env: Env = process.env): BuildStamp {
  const build = BUILD_VARIABLES.map((name) => env[name]).find((value) => value) ?? 'dev';
  if (!/^[0-9A-Za-z-]+$/.test(build)) {
    throw new Error(`build number ${JSON.stringify(build)}: only letters, digits and - allowed`);
  }
  const given = env.FLEETMON_COMMIT || gitCommit() || env.GITHUB_SHA || '';
  if (given !== '' && !/^[0-9a-f]{7,40}$/i.test(given)) {
    throw new Error(`commit ${JSON.stringify(given)}: expected a git commit hash`);
  }
  // Seven hex digits, as `git describe` prints them.
  const commit = given === '' ? 'unknown' : given.slice(0, 7).toLowerCase();
  return { build, commit, version: formatVersion(packageJson.version, build, commit) };
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}
