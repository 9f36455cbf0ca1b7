import packageJson from '../../package.json' with { type: 'json' };

/** What `/version` and `fleetmon_build_info` report. */
export interface VersionInfo {
  readonly version: string;
  /** CI build number, or `dev` when running from sources. */
  readonly build: string;
  /** Short git commit, or `unknown`. */
  readonly commit: string;
}

// Replaced by literals by esbuild's `define` in scripts/build.ts; absent when running from sources.
declare const __FLEETMON_BUILD__: string | undefined;
declare const __FLEETMON_COMMIT__: string | undefined;

/** Version from package.json; build number and commit as stamped into the bundle. */
export function buildInfo(): VersionInfo {
  return {
    version: packageJson.version,
    build: typeof __FLEETMON_BUILD__ === 'string' ? __FLEETMON_BUILD__ : 'dev',
    commit: typeof __FLEETMON_COMMIT__ === 'string' ? __FLEETMON_COMMIT__ : 'unknown',
  };
}
