import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { FleetmonError } from '../core/errors.ts';
import { FakeClock } from '../time/fake-clock.test-helper.ts';
import { readOne } from './client.test-helper.ts';
import { createProviderClient, type ProviderClient, type ProviderClientOptions } from './client.ts';
import { closedPort, type Loopback, serveHttp, statsJson } from './loopback.test-helper.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const open: Array<{ server: Loopback; client: ProviderClient }> = [];
after(async () => {
  for (const { server, client } of open) {
    await client.close();
    await server.close();
  }
});

/**
 * A server answering with `handler` and a client on a fake clock whose waits between attempts
 * end at once; `clock.slept` records each wait.
 */
async function setup(handler: Handler, options: Partial<ProviderClientOptions> = {}) {
  const server = await serveHttp(handler);
  const clock = new FakeClock({ sleeps: 'skip' });
  const client = createProviderClient({
    baseUrl: server.url,
    timeoutMs: 1000,
    retries: 2,
    concurrency: 4,
    random: () => 0.5,
    clock,
    ...options,
  });
  open.push({ server, client });
  return { server, client, clock };
}

function answer(status: number, body: string, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };
}

/** Answers each request with the next handler; the last one repeats. */
function sequence(...handlers: Handler[]): Handler & { paths: string[] } {
  const paths: string[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    paths.push(req.url ?? '');
    const next = handlers[Math.min(paths.length - 1, handlers.length - 1)];
    next?.(req, res);
  };
  return Object.assign(handler, { paths });
}

describe('readInstance', () => {
  it('reads stats from /<ip> under the base path', async () => {
    const handler = sequence(answer(200, statsJson('CartService', '12.5%', '80%')));
    const { server } = await setup(handler);
    const client = createProviderClient({
      baseUrl: new URL('api/v1', server.url),
      timeoutMs: 1000,
      retries: 0,
      concurrency: 1,
    });
    open.push({ server, client });
    const reading = await readOne(client, '10.0.0.7');
    assert.deepEqual(reading, {
      ip: '10.0.0.7',
      ok: true,
      stats: { service: 'CartService', cpu: 12.5, memory: 80 },
      attempts: 1,
    });
    await readOne(client, 'fe80::1');
    assert.deepEqual(handler.paths, ['/api/v1/10.0.0.7', '/api/v1/fe80::1']);
    assert.equal(client.url, `${server.url.origin}/api/v1/`);
  });

  it('retries 5xx with exponential backoff and full jitter, then succeeds', async () => {
    const handler = sequence(answer(500, 'x'), answer(502, ''), answer(200, statsJson()));
    const { client, clock } = await setup(handler, {
      retries: 3,
      backoff: { baseMs: 100, maxMs: 1000 },
    });
    const reading = await readOne(client, '10.0.0.1');
    assert.equal(reading.ok, true);
    assert.equal(reading.attempts, 3);
    assert.deepEqual(clock.slept, [50, 100]);
  });

  it('caps the backoff at maxMs', async () => {
    const { client, clock } = await setup(answer(503, ''), {
      retries: 5,
      random: () => 0.999,
      backoff: { baseMs: 10, maxMs: 40 },
    });
    const reading = await readOne(client, '10.0.0.1');
    assert.deepEqual(reading, {
      ip: '10.0.0.1',
      ok: false,
      service: null,
      error: 'HTTP 503',
      attempts: 6,
    });
    assert.deepEqual(clock.slept, [9, 19, 39, 39, 39]);
  });

  const noRetry: Array<[status: number, error: string]> = [
    [400, 'HTTP 400 (instance gone)'],
    [404, 'HTTP 404'],
    [403, 'HTTP 403'],
    [301, 'HTTP 301'],
  ];
  for (const [status, error] of noRetry) {
    it(`does not retry HTTP ${status}`, async () => {
      const handler = sequence(answer(status, '{"error": "Invalid IP"}'));
      const { client } = await setup(handler);
      assert.deepEqual(await readOne(client, '10.0.0.2'), {
        ip: '10.0.0.2',
        ok: false,
        service: null,
        error,
        attempts: 1,
      });
      assert.equal(handler.paths.length, 1);
    });
  }

  it('honours Retry-After on 429 and 503', async () => {
    const handler = sequence(
      answer(429, '', { 'retry-after': '0' }),
      answer(503, '', { 'retry-after': '1' }),
      answer(200, statsJson()),
    );
    const { client, clock } = await setup(handler, { timeoutMs: 1000, retries: 2 });
    const reading = await readOne(client, '10.0.0.3');
    assert.equal(reading.ok, true);
    assert.deepEqual(clock.slept, [0, 1000]);
  });

  it('gives up when Retry-After is beyond the time a read may take', async () => {
    const { client, clock } = await setup(answer(503, '', { 'retry-after': '120' }), {
      timeoutMs: 1000,
    });
    const reading = await readOne(client, '10.0.0.4');
    assert.deepEqual(reading, {
      ip: '10.0.0.4',
      ok: false,
      service: null,
      error: 'HTTP 503 (asked to retry after 2m)',
      attempts: 1,
    });
    assert.deepEqual(clock.slept, []);
  });

  it('reports a malformed body without retrying, keeping the service', async () => {
    const handler = sequence(answer(200, '{"cpu": "lots", "memory": "4%", "service": "Auth"}'));
    const { client } = await setup(handler);
    assert.deepEqual(await readOne(client, '10.0.0.5'), {
      ip: '10.0.0.5',
      ok: false,
      service: 'Auth',
      error: 'cpu "lots" is not a percentage',
      attempts: 1,
    });
    assert.equal(handler.paths.length, 1);
  });

  it('refuses bodies over maxBodyBytes, declared or chunked', async () => {
    const big = `{"service":"${'x'.repeat(500)}"}`;
    const chunked: Handler = (_req, res) => {
      res.write(big.slice(0, 300));
      res.end(big.slice(300));
    };
    for (const handler of [answer(200, big), chunked]) {
      const { client } = await setup(handler, { maxBodyBytes: 256 });
      const reading = await readOne(client, '10.0.0.6');
      assert.equal(reading.ok ? '' : reading.error, 'body larger than 256 bytes');
    }
  });

  it('keeps one connection alive across error answers (bodies are drained)', async () => {
    const { client, server } = await setup(answer(500, 'e'.repeat(10_000)), {
      concurrency: 1,
      retries: 0,
    });
    for (let i = 0; i < 20; i++) await readOne(client, '10.0.0.8');
    assert.equal(server.connections(), 1);
  });

  it('rejects a non-IP without a request', async () => {
    const handler = sequence(answer(200, statsJson()));
    const { client } = await setup(handler);
    const reading = await readOne(client, '../servers');
    assert.deepEqual(reading, {
      ip: '../servers',
      ok: false,
      service: null,
      error: 'not an IP address',
      attempts: 0,
    });
    assert.equal(handler.paths.length, 0);
  });
});

describe('listServers', () => {
  it('returns distinct entries in order, non-IP ones too, and warns about them', async () => {
    const body = JSON.stringify([
      '10.0.0.2',
      '10.0.0.1',
      '10.0.0.2',
      'nope',
      42,
      '::1',
      null,
      '1.2.3',
    ]);
    const { client } = await setup(answer(200, body));
    assert.deepEqual(await client.listServers(), [
      '10.0.0.2',
      '10.0.0.1',
      'nope',
      '42',
      '::1',
      'null',
      '1.2.3',
    ]);
    assert.deepEqual(client.lastListWarnings, [
      '4 listed entries are not an IP address ("nope", 42, null, ...); shown as unreachable',
      'ignored 1 duplicate entry; each instance is read once',
    ]);
  });

  it('accepts an empty fleet', async () => {
    const { client } = await setup(answer(200, '[]'));
    assert.deepEqual(await client.listServers(), []);
    assert.deepEqual(client.lastListWarnings, []);
  });

  const invalid: Array<[name: string, handler: Handler, message: RegExp]> = [
    ['HTTP 500', answer(500, 'boom'), /^http:\/\/127\.0\.0\.1:\d+\/servers answered HTTP 500$/],
    ['HTTP 404', answer(404, ''), /\/servers answered HTTP 404$/],
    [
      'not JSON',
      answer(200, '<html>'),
      /answered something that is not a JSON array of IPs \(body is not JSON\)$/,
    ],
    [
      'an object',
      answer(200, '{"servers": []}'),
      /not a JSON array of IPs \(body is not a JSON array\)$/,
    ],
    ['no IPs', answer(200, '["a", "b"]'), /\(none of its 2 entries is an IP address\)$/],
  ];
  for (const [name, handler, message] of invalid) {
    it(`throws provider-invalid for ${name}`, async () => {
      const { client } = await setup(handler);
      await assert.rejects(client.listServers(), (err: unknown) => {
        assert.ok(err instanceof FleetmonError);
        assert.equal(err.code, 'provider-invalid');
        assert.match(err.message, message);
        assert.match(err.hint ?? '', /--api/);
        return true;
      });
    });
  }

  it('retries 5xx before giving up', async () => {
    const handler = sequence(answer(500, ''), answer(200, '["10.0.0.1"]'));
    const { client } = await setup(handler);
    assert.deepEqual(await client.listServers(), ['10.0.0.1']);
    assert.equal(handler.paths.length, 2);
  });

  it('throws provider-unreachable when nothing listens', async () => {
    const port = await closedPort();
    const client = createProviderClient({
      baseUrl: new URL(`http://127.0.0.1:${port}/`),
      timeoutMs: 300,
      retries: 1,
      concurrency: 2,
      clock: new FakeClock({ sleeps: 'skip' }),
    });
    await assert.rejects(client.listServers(), (err: unknown) => {
      assert.ok(err instanceof FleetmonError);
      assert.equal(err.code, 'provider-unreachable');
      assert.equal(
        err.message,
        `cannot reach http://127.0.0.1:${port}/servers: connection refused (ECONNREFUSED)`,
      );
      assert.match(err.hint ?? '', /--api \(or FLEETMON_API\)/);
      return true;
    });
    await client.close();
  });
});
