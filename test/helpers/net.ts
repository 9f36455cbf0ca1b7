import { createServer } from 'node:net';

/** Listens on an ephemeral port, then closes it: nothing answers there a moment later. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Whether this machine has an IPv6 loopback to listen on. */
export async function ipv6Available(): Promise<boolean> {
  try {
    await freePort('::1');
    return true;
  } catch {
    return false;
  }
}
