// Bundles the CLI into dist/ with esbuild. The heavy commands (monitor's terminal UI, serve,
// mock) and the config-file schema are split into chunks that load on demand (STACK.md:
// `--help` 52 ms vs 179 ms for one bundle of everything).
// Then builds the dashboard (web/) with Vite into dist/web/, which `serve` finds next to the bundle.
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
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
 * readline). The modules in LAZY are plain namespaces of functions, so they get a stand-in
 * whose properties are looked up on the real module at first use: commander imports
 * `node:util` and `node:child_process` at the top, and a one-shot command needs neither
 * (`--version` 4 ms faster, `instances` 3-8 ms).
 */
const LAZY = new Set(['node:util', 'node:child_process']);

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
      const contents = LAZY.has(args.path)
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

const { build: buildNumber, commit } = stamp();
await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: { fleetmon: 'src/cli/bin.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [builtinsByRequire],
  define: {
    __FLEETMON_BUILD__: JSON.stringify(buildNumber),
    __FLEETMON_COMMIT__: JSON.stringify(commit),
  },
  // Bundled CommonJS dependencies (prom-client) call require(); ESM output has none of its own.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});

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
