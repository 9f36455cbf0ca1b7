// Bundles the CLI into dist/ with esbuild, in two builds:
// - dist/fleetmon.js: everything `--help`, `instances`, `services` and `health` need, one file.
// - dist/lazy/: the heavy modules (monitor's terminal UI, serve, mock, the config-file schema),
//   loaded on demand (STACK.md: `--help` 52 ms vs 179 ms for one bundle of everything).
// One build with code splitting made the main bundle import 15 shared chunks, one per set of
// lazy modules sharing code with it; loading them cost 8 ms of CPU per run (`--version` and
// `instances`, interleaved runs). The lazy bundles carry their own copies of the core modules
// instead, so nothing may depend on class identity across the two (isFleetmonError does not).
// Then builds the dashboard (web/) with Vite into dist/web/, which `serve` finds next to the bundle,
// and copies the store's migrations (src/store/migrations/) to dist/migrations/, read at run time.
import { execFileSync } from 'node:child_process';
import { cp, rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { build as viteBuild } from 'vite';

/** Build number and commit stamped into the bundle for `/version` and `fleetmon_build_info`. */
function stamp(): { build: string; commit: string } {
  const env = process.env;
  const build =
    env.FLEETMON_BUILD || env.GITHUB_RUN_NUMBER || env.BUILD_NUMBER || env.CI_PIPELINE_IID || 'dev';
  let commit = env.FLEETMON_COMMIT || '';
  if (commit === '') {
    try {
      commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      commit = (env.GITHUB_SHA ?? '').slice(0, 12);
    }
  }
  return { build, commit: commit || 'unknown' };
}

/**
 * Loads Node's built-in modules with require() instead of `import`. An ESM import of a builtin
 * builds a namespace from every export, which runs lazy getters: `node:process` and
 * `node:util` pull in reports, workers and readline this way. Measured: ~5 ms each at start-up.
 *
 * esbuild's interop helper (`__toESM`) still reads every property descriptor of a required
 * module, and on `node:util` that alone loads 34 internal modules (streams, workers,
 * readline). The modules in LAZY_BUILTINS are plain namespaces of functions, so they get a stand-in
 * whose properties are looked up on the real module at first use: commander imports
 * `node:util` and `node:child_process` at the top, and a one-shot command needs neither
 * (`--version` 4 ms faster, `instances` 3-8 ms).
 */
const LAZY_BUILTINS = new Set(['node:util', 'node:child_process']);

const builtinsByRequire: Plugin = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: /^[a-z:_/]+$/ }, (args) => {
      if (!isBuiltin(args.path)) return undefined;
      // The stand-in's own require() is the real one.
      if (args.namespace === 'builtin') return { path: args.path, external: true };
      return { path: args.path, namespace: 'builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => {
      const name = JSON.stringify(args.path);
      const contents = LAZY_BUILTINS.has(args.path)
        ? // No own properties for the helper to read; every lookup falls through to the proxy.
          `let real;
const lookup = new Proxy(Object.create(null), {
  get: (_, key) => (real ??= require(${name}))[key],
  has: (_, key) => key in (real ??= require(${name})),
});
module.exports = Object.create(lookup);`
        : `module.exports = require(${name});`;
      return { contents, loader: 'js' };
    });
  },
};

/** The modules loaded with `import()`, by the name of their file in dist/lazy/. */
const LAZY_MODULES: Record<string, string> = {
  monitor: 'src/cli/commands/monitor.ts',
  mock: 'src/cli/commands/mock.ts',
  serve: 'src/cli/commands/serve.ts',
  'mock-server': 'src/mock/server.ts',
  'config-file': 'src/config/config-file.ts',
  'config-check': 'src/cli/commands/config-check.ts',
  'live-monitor': 'src/tui/live-monitor.ts',
  history: 'src/cli/commands/history.ts',
  migrate: 'src/cli/commands/migrate.ts',
  'store-info': 'src/cli/commands/store-info.ts',
};
const lazyByPath = new Map(
  Object.entries(LAZY_MODULES).map(([name, file]) => [resolve(file), `./lazy/${name}.js`]),
);

/** In the main bundle, `import()` of a lazy module stays an `import()` of its file in dist/lazy/. */
const lazyImports: Plugin = {
  name: 'lazy-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const path = lazyByPath.get(resolve(args.resolveDir, args.path));
      if (path === undefined) {
        return { errors: [{ text: `${args.path} is imported lazily but not in LAZY_MODULES` }] };
      }
      return { path, external: true };
    });
  },
};

const { build: buildNumber, commit } = stamp();
const common: BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  define: {
    __FLEETMON_BUILD__: JSON.stringify(buildNumber),
    __FLEETMON_COMMIT__: JSON.stringify(commit),
  },
  // Bundled CommonJS dependencies (prom-client) call require(); ESM output has none of its own.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
};
await rm('dist', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { fleetmon: 'src/cli/bin.ts' },
  outdir: 'dist',
  plugins: [lazyImports, builtinsByRequire],
});
await build({
  ...common,
  entryPoints: LAZY_MODULES,
  outdir: 'dist/lazy',
  // Among themselves (monitor imports live-monitor), the lazy modules share chunks.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [builtinsByRequire],
});

await cp('src/store/migrations', 'dist/migrations', { recursive: true });

await viteBuild({
  root: fileURLToPath(new URL('../web', import.meta.url)),
  // Relative asset URLs: the dashboard also works behind a proxy under a sub-path.
  base: './',
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The preload polyfill is for old browsers only; modern ones need no extra script.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
});
