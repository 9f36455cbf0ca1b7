// The baseline of bench/seed-serial.ts: a client of the kind the original utility is. It
// lists the fleet, then asks for each instance's stats one request at a time, each on a
// new connection, and prints one line per instance. No concurrency, no keep-alive, no
// retries: what fleetmon is compared against.
//
//   node bench/baseline/sequential-client.ts HOST:PORT
import { request } from 'node:http';

const [host = '127.0.0.1', port = '9001'] = (process.argv[2] ?? '').split(':');

function get(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

const ips = JSON.parse(await get('/servers')) as string[];
const lines: string[] = [];
for (const ip of ips) {
  const stats = JSON.parse(await get(`/${ip}`)) as { cpu: string; memory: string; service: string };
  const healthy = Number.parseInt(stats.cpu, 10) < 75 && Number.parseInt(stats.memory, 10) < 75;
  lines.push(
    `${ip}\t${stats.service}\t${healthy ? 'healthy' : 'unhealthy'}\t${stats.cpu}\t${stats.memory}`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
