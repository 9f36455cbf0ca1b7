import { systemClock } from '../time/clock.ts';
import { main } from './main.ts';

// A closed pipe (`fleetmon instances | head -1`) is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // Node builds process.stdin on first use, which costs start-up; only `monitor` reads keys.
  get stdin() {
    return process.stdin;
  },
});

// Everything is closed by now; if a stray handle still holds the event loop, do not hang the shell.
systemClock.setTimeout(() => process.exit(), 2000).unref();
