import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, it } from 'node:test';
import { BIN, cleanEnv, runCli } from '../helpers/cli.ts';

// `fleetmon mock` as a user starts it: where it listens, and whether its banner says so.

/** Starts `bin/fleetmon mock args` and resolves with the child and its banner line. */
function startMockChild(args: readonly string[]): Promise<{ child: ChildProcess; banner: string }> {
  const child = spawn(BIN, ['mock', ...args], {
    env: cleanEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    const limit = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no banner: ${stderr}`));
    }, 15_000);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('Ctrl-C stops')) {
        clearTimeout(limit);
        resolve({ child, banner: stderr.trim() });
      }
    });
    child.on('close', () => reject(new Error(`mock ended early: ${stderr}`)));
  });
}

/** An IPv4 address of this machine other than loopback, if it has one. */
function outsideAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('fleetmon mock', () => {
  it('listens on loopback only by default, and its banner says where', async (t) => {
    const { child, banner } = await startMockChild(['--port', '0', '--instances', '3']);
    try {
      const match =
        /^fleetmon mock: 3 instances on http:\/\/127\.0\.0\.1:(\d+) \(seed 1, drift\); time on http:\/\/127\.0\.0\.1:\d+\/now; Ctrl-C stops$/.exec(
          banner,
        );
      assert.ok(match !== null, banner);
      const port = Number(match[1]);
      assert.equal((await fetch(`http://127.0.0.1:${port}/servers`)).status, 200);
      const outside = outsideAddress();
      if (outside === undefined) return t.skip('no address beyond loopback on this machine');
      assert.equal(await accepts(outside, port), false, `reachable on ${outside}`);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses a --host other machines can reach without --listen-public, exit 2', async () => {
    for (const host of ['0.0.0.0', '::']) {
      const r = await runCli(['mock', '--host', host, '--port', '0']);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /--host .* can be reached from other machines.*--listen-public/);
    }
  });

  it('with --listen-public listens where asked and says it is every interface', async (t) => {
    const { child, banner } = await startMockChild([
      '--host',
      '0.0.0.0',
      '--listen-public',
      '--port',
      '0',
      '--instances',
      '3',
    ]);
    try {
      const match =
        /^fleetmon mock: 3 instances on every IPv4 interface, port (\d+) \(http:\/\/127\.0\.0\.1:\d+ from this machine; seed 1, drift\); time on http:\/\/127\.0\.0\.1:\d+\/now; Ctrl-C stops$/.exec(
          banner,
        );
      assert.ok(match !== null, banner);
      const outside = outsideAddress();
      if (outside === undefined) return t.skip('no address beyond loopback on this machine');
      assert.equal(await accepts(outside, Number(match[1])), true);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
