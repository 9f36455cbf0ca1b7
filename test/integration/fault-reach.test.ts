import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FleetmonError } from '../../src/core/errors.ts';
import { startMock } from '../../src/mock/server.ts';
import { parseApiAddress } from '../../src/provider/address.ts';
import { createProviderClient } from '../../src/provider/client.ts';
import { scanFleet } from '../../src/scan/scan.ts';
import { FAST_CLIENT, guardSuite } from '../helpers/fault-fleet.ts';
import { ipv6Available } from '../helpers/net.ts';

// A provider fleetmon cannot reach at all: the wrong address family, or a name that does not
// resolve (`.invalid`, RFC 2606). Each is one provider-unreachable error naming URL and cause.
const suite = guardSuite();

async function expectUnreachable(api: string, cause: RegExp): Promise<void> {
  const client = createProviderClient({ baseUrl: parseApiAddress(api), ...FAST_CLIENT });
  try {
    // Within the deadline: past it the message would name the deadline instead of the cause.
    await assert.rejects(scanFleet(client, { concurrency: 4, deadlineMs: 2000 }), (err) => {
      assert.ok(err instanceof FleetmonError);
      assert.equal(err.code, 'provider-unreachable');
      assert.match(err.message, cause);
      return true;
    });
  } finally {
    await client.close();
  }
}

describe('a provider on the other address family', () => {
  it('listening on IPv6 only, dialled over IPv4: connection refused', async (t) => {
    if (!(await ipv6Available())) return t.skip('no IPv6 loopback here');
    const mock = suite.track(await startMock({ host: '::1', instances: 3 }));
    await expectUnreachable(
      `127.0.0.1:${mock.port}`,
      new RegExp(
        `^cannot reach http://127\\.0\\.0\\.1:${mock.port}/servers: connection refused \\(ECONNREFUSED\\)$`,
      ),
    );
  });

  it('listening on IPv4 only, dialled over IPv6: connection refused', async (t) => {
    if (!(await ipv6Available())) return t.skip('no IPv6 loopback here');
    const mock = suite.track(await startMock({ host: '127.0.0.1', instances: 3 }));
    await expectUnreachable(
      `[::1]:${mock.port}`,
      new RegExp(
        `^cannot reach http://\\[::1\\]:${mock.port}/servers: connection refused \\(ECONNREFUSED\\)$`,
      ),
    );
  });
});

describe('a provider name that does not resolve', () => {
  it('says the host was not found', async () => {
    await expectUnreachable(
      'cpx.fleetmon-test.invalid:9001',
      /^cannot reach http:\/\/cpx\.fleetmon-test\.invalid:9001\/servers: (host not found \(ENOTFOUND\)|host lookup failed \(EAI_AGAIN\)|timeout after 300ms)$/,
    );
  });
});
