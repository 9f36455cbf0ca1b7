import { connect, createServer, type Socket } from 'node:net';

/**
 * A loopback TCP proxy that can be cut and restored: while cut, every connection through it is
 * reset at once, as when the database behind it goes down; restored, it forwards again. Frozen,
 * it keeps every connection open and forwards nothing, as a database host that stops answering.
 */
export interface CuttableProxy {
  readonly port: number;
  cut(): void;
  freeze(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<CuttableProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let down = false;
  let frozen = false;
  /** Connections accepted while frozen, never forwarded. */
  const held = new Set<Socket>();
  const server = createServer((client) => {
    client.on('error', () => {});
    if (down) {
      client.resetAndDestroy();
      return;
    }
    if (frozen) {
      client.pause();
      held.add(client);
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => pairs.delete(pair);
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    cut() {
      down = true;
      for (const [client, upstream] of pairs) {
        client.resetAndDestroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    freeze() {
      frozen = true;
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [client, upstream] of pairs) {
          client.destroy();
          upstream.destroy();
        }
        for (const client of held) client.destroy();
        server.close(() => resolve());
      }),
  };
}
