import { createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback server that speaks just enough of PostgreSQL's protocol to ask for a password
 * and refuse it (SQLSTATE 28P01), the way a server with password authentication answers a
 * wrong one. The local test server trusts every connection, so it cannot play this part.
 */
export async function startPasswordRefuser(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    let started = false;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!started) {
        if (buffered.length < 8) return;
        const length = buffered.readInt32BE(0);
        if (buffered.length < length) return;
        const code = buffered.readInt32BE(4);
        buffered = buffered.subarray(length);
        if (code === 80877103) {
          socket.write('N'); // SSL request: not here.
          return;
        }
        started = true;
        const ask = Buffer.alloc(9);
        ask.write('R', 0);
        ask.writeInt32BE(8, 1);
        ask.writeInt32BE(3, 5); // cleartext password, please
        socket.write(ask);
        return;
      }
      if (buffered.length < 5 || buffered[0] !== 0x70) return; // 'p': the password
      const fields = [
        'SFATAL',
        'VFATAL',
        'C28P01',
        'Mpassword authentication failed for user "fm"',
      ];
      const body = Buffer.concat([...fields.map((f) => Buffer.from(`${f}\0`)), Buffer.from([0])]);
      const error = Buffer.alloc(5);
      error.write('E', 0);
      error.writeInt32BE(body.length + 4, 1);
      socket.end(Buffer.concat([error, body]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
