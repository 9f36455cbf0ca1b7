// A simulated provider in a process of its own, for the benchmarks: `startMock` with the
// options given as JSON (fractional latencies allowed, unlike `fleetmon mock --latency`).
// Prints `listening on http://127.0.0.1:PORT` on stderr and runs until killed.
//
//   node bench/lib/provider.ts '{"instances":150,"serial":true,"http10":true,"backlog":5}'
import { type MockOptions, startMock } from '../../src/mock/server.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as MockOptions;
const mock = await startMock({ host: '127.0.0.1', port: 0, ...options });
process.stderr.write(`listening on ${mock.url}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void mock.close().then(() => process.exit(0)));
}
