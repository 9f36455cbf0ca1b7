// Bundles the CLI into dist/ with esbuild, in two builds:
// - dist/fleetmon.js: everything `--help`, `instances`, `services` and `health` need, one file.
// - dist/lazy/: the heavy modules (monitor's terminal UI, serve, mock, the config-file schema),
//   loaded on demand, so `--help` and the one-shot commands never parse them.
// One build with code splitting made the main bundle import a shared chunk per set of lazy
// modules, which cost start-up (docs/tuning.md). The lazy bundles carry their own copies of the
// core modules instead, so nothing may depend on class identity across the two
// (isFleetmonError does not).
// Then builds the dashboard (web/) with Vite into dist/web/, which `serve` finds next to the bundle,
// and copies the store's migrations (src/store/migrations/) to dist/migrations/, read at run time.
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isBuiltin, stripTypeScriptTypes } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { build as viteBuild } from 'vite';
import { readStamp } from './build-stamp.ts';

/**
 * Loads Node's built-in modules with require() instead of `import`. An ESM import of a builtin
 * builds a namespace from every export, which runs lazy getters: `node:process` and
 * `node:util` pull in reports, workers and readline this way.
 *
 * esbuild's interop helper (`__toESM`) still reads every property descriptor of a required
 * module, and on `node:util` that alone loads 34 internal modules (streams, workers,
 * readline). The modules in LAZY_BUILTINS are plain namespaces of functions, so they get a stand-in
 * whose properties are looked up on the real module at first use: commander imports
 * `node:util` and `node:child_process` at the top, and a one-shot command needs neither
 * (docs/tuning.md).
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

/**
 * Our TypeScript reaches esbuild with its types stripped exactly as Node strips them when the
 * tests run the sources: same bytes at the same offsets, so the coverage of the bundles run by
 * the end-to-end tests and of the sources run in-process describe one text (scripts/coverage.ts).
 */
const stripTypes: Plugin = {
  name: 'strip-types',
  setup(b) {
    b.onLoad({ filter: /\/src\/.*\.ts$/ }, async (args) => ({
      contents: stripTypeScriptTypes(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

/** The modules loaded with `import()`, by the name of their file in dist/lazy/. */
const LAZY_MODULES: Record<string, string> = {
  monitor: 'src/cli/commands/monitor.ts',
  mock: 'src/cli/commands/mock.ts',
  serve: 'src/cli/commands/serve.ts',
  alerts: 'src/cli/commands/alerts.ts',
  silence: 'src/cli/commands/silence.ts',
  check: 'src/cli/commands/check.ts',
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

const { build: buildNumber, commit } = readStamp();
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
// The entry refuses an old Node before anything else runs: bin/fleetmon starts whichever Node is
// first on PATH when none is pinned next to the project (an npm install), and undici-era code
// crashes on Node 20 instead of saying what to install.
const NODE_GUARD = `if (+process.versions.node.split('.')[0] < 22) {
  process.stderr.write('fleetmon: needs Node.js 22 or newer, this is ' + process.versions.node + ': install Node.js 24 LTS, or run it with npx -p node@24 fleetmon\\n');
  process.exit(2);
}`;
const bundled = new Set<string>();
/** Collects the npm packages a build compiled in, for the notices file. */
const collect = (inputs: Iterable<string>) => {
  for (const input of inputs) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1] !== undefined) bundled.add(match[1]);
  }
};

const main = await build({
  ...common,
  metafile: true,
  banner: { js: `${NODE_GUARD}\n${common.banner?.js ?? ''}` },
  entryPoints: { fleetmon: 'src/cli/bin.ts' },
  outdir: 'dist',
  plugins: [lazyImports, builtinsByRequire, stripTypes],
});
collect(Object.keys(main.metafile.inputs));
const lazy = await build({
  ...common,
  metafile: true,
  entryPoints: LAZY_MODULES,
  outdir: 'dist/lazy',
  // Among themselves (monitor imports live-monitor), the lazy modules share chunks.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [builtinsByRequire, stripTypes],
});

collect(Object.keys(lazy.metafile.inputs));
await cp('src/store/migrations', 'dist/migrations', { recursive: true });

const web = await viteBuild({
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

for (const output of Array.isArray(web) ? web : [web]) {
  if ('output' in output) {
    for (const chunk of output.output)
      if (chunk.type === 'chunk') collect(Object.keys(chunk.modules));
  }
}
await writeNotices(bundled);

/**
 * Every library is compiled into dist/ (the package has no runtime dependencies), so their
 * licences travel with it in one file.
 */
async function writeNotices(packages: ReadonlySet<string>): Promise<void> {
  const parts: string[] = ['fleetmon bundles the following packages. Their licences follow.\n'];
  for (const name of [...packages].sort()) {
    const dir = resolve('node_modules', name);
    const meta = JSON.parse(await readFile(resolve(dir, 'package.json'), 'utf8')) as {
      version: string;
      license?: string;
    };
    const file = (await readdir(dir)).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text =
      file === undefined
        ? `(${meta.license ?? 'no licence file'})`
        : await readFile(resolve(dir, file), 'utf8');
    parts.push(`== ${name} ${meta.version} (${meta.license ?? 'unknown'})\n\n${text.trim()}\n`);
  }
  await writeFile('dist/THIRD-PARTY-NOTICES.txt', parts.join('\n'));
}
