// A reference for bench/seed-serial.ts: the least a client can do for the same scan. It lists
// the fleet, then asks for every instance's stats WINDOW at a time, a connection each,
// re-sending connects the listen queue dropped, and reads nothing past the status line and
// prints nothing (close-load.ts). What is left of its time is the process's start and the
// provider's.
//
//   node bench/baseline/bare-client.ts HOST:PORT WINDOW
import { closeDelimitedBatch, closeDelimitedBody } from '../lib/close-load.ts';

const [host = '127.0.0.1', port = '9001'] = (process.argv[2] ?? '').split(':');
const window = Number(process.argv[3] ?? '4');

const ips = JSON.parse(await closeDelimitedBody(host, Number(port), '/servers')) as string[];
await closeDelimitedBatch(
  host,
  Number(port),
  ips.map((ip) => `/${ip}`),
  window,
);
