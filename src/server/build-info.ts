import packageJson from '../../package.json' with { type: 'json' };

/** What `fleetmon --version`, `/version` and `fleetmon_build_info` report. */
export interface VersionInfo {
  /** The version users see: package version, build number and commit, see {@link formatVersion}. */
  readonly version: string;
  /** CI build number, or `dev` for a build made outside CI. */
  readonly build: string;
  /** Short git commit, or `unknown`. */
  readonly commit: string;
}

// Replaced by literals by esbuild's `define` in scripts/build.ts; absent when running from sources.
declare const __FLEETMON_BUILD__: string | undefined;
declare const __FLEETMON_COMMIT__: string | undefined;

/**
 * `0.2.0+build.57.g1a2b3c4` (semver build metadata, so version comparisons ignore it), or
 * `0.2.0+dev.g1a2b3c4` for a build made outside CI, `0.2.0+dev` when the commit is unknown.
 */
export function formatVersion(release: string, build: string, commit: string): string {
  const parts = [build === 'dev' ? 'dev' : `build.${build}`];
  if (commit !== 'unknown') parts.push(`g${commit}`);
  return `${release}+${parts.join('.')}`;
}

/** Package version, build number and commit as stamped into the bundle. */
export function buildInfo(): VersionInfo {
  const build = typeof __FLEETMON_BUILD__ === 'string' ? __FLEETMON_BUILD__ : 'dev';
  const commit = typeof __FLEETMON_COMMIT__ === 'string' ? __FLEETMON_COMMIT__ : 'unknown';
  return { version: formatVersion(packageJson.version, build, commit), build, commit };
}
