// Runs the test suite with V8 coverage on in every process it starts: the test files, and the
// CLI that the end-to-end tests run as a child process from the bundle. Then it prints one line,
// the share of src/ lines that ran, and fails below FLOOR. Node's own --experimental-test-coverage
// sees only the test processes, not the CLI that most e2e tests exercise.
//
//   node scripts/coverage.ts 'src/**/*.test.ts' 'test/**/*.test.ts'
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoverageReport } from 'monocart-coverage-reports';

/** Lines of src/ that must run; set a few points under the figure measured when it was introduced. */
const FLOOR = 75;

const root = fileURLToPath(new URL('..', import.meta.url));
const raw = join(root, 'coverage', 'raw');
rmSync(join(root, 'coverage'), { recursive: true, force: true });

const tests = spawnSync(process.execPath, ['--test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, NODE_V8_COVERAGE: raw },
});

const isSource = (path: string) =>
  /^src\/.*\.ts$/.test(path) && !/\.test(-helper)?\.ts$/.test(path);
// A .ts module ran with its types stripped (and the bundles were built from the same stripped
// text, see scripts/build.ts): that text is what the byte offsets describe.
const stripped = (path: string) => stripTypeScriptTypes(readFileSync(path, 'utf8'));

const report = new CoverageReport({
  name: 'fleetmon',
  outputDir: join(root, 'coverage'),
  reports: [['json-summary'], ['lcovonly']],
  logging: 'error',
  entryFilter: (entry: { url: string }) =>
    entry.url.startsWith(`file://${root}dist/`) ||
    (entry.url.startsWith(`file://${root}src/`) &&
      isSource(relative(root, fileURLToPath(entry.url)))),
  onEntry: (entry: { url: string; source?: string }) => {
    if (entry.url.startsWith(`file://${root}src/`))
      entry.source = stripped(fileURLToPath(entry.url));
  },
  // Files no test loaded count too, with nothing covered.
  all: {
    dir: [join(root, 'src')],
    filter: (path: string) => isSource(relative(root, path)),
    transformer: async (entry: { url: string; source: string }) => {
      entry.source = stripped(fileURLToPath(entry.url));
    },
  },
  sourceFilter: (path: string) => isSource(path),
});
await report.addFromDir(raw);
const results = await report.generate();
const lines = Number(results?.summary.lines.pct ?? 0);
console.log(
  `coverage: ${lines.toFixed(1)}% of the lines of src/ ran, in the test processes and the CLI they start (floor ${FLOOR}%; coverage/lcov.info)`,
);
if (tests.status !== 0) process.exit(tests.status ?? 1);
if (lines < FLOOR) {
  console.error(
    `coverage: ${lines.toFixed(1)}% is under the floor of ${FLOOR}%: add tests for what you changed`,
  );
  process.exit(1);
}
