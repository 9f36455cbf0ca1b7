import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedHostName, type HostPolicy, hostAllowed } from './host-check.ts';
import { testApp } from './test-fixtures.test-helper.ts';

const LOOPBACK_ONLY: HostPolicy = { anyAddress: false, allowed: [] };
const PUBLIC: HostPolicy = { anyAddress: true, allowed: [] };

describe('hostAllowed', () => {
  const loopback = [
    'localhost',
    'localhost:8080',
    'LOCALHOST.',
    'dashboard.localhost:8080',
    '127.0.0.1',
    '127.0.0.1:8080',
    '127.1:8080',
    '127.200.0.9',
    '[::1]',
    '[::1]:8080',
    '[0:0:0:0:0:0:0:1]:8080',
    '[::ffff:127.0.0.1]:8080',
  ];
  for (const host of loopback) {
    it(`answers ${host} on any listener`, () => {
      assert.equal(hostAllowed(host, LOOPBACK_ONLY), true);
      assert.equal(hostAllowed(host, PUBLIC), true);
    });
  }

  const names = ['evil.example.com', 'evil.example.com:8080', 'localhost.evil.example', 'fleetmon'];
  for (const host of names) {
    it(`refuses the name ${host} unless allowed`, () => {
      assert.equal(hostAllowed(host, LOOPBACK_ONLY), false);
      assert.equal(hostAllowed(host, PUBLIC), false);
      assert.equal(hostAllowed(host, { anyAddress: false, allowed: ['*'] }), true);
    });
  }

  it('answers other IP addresses on a public listener only', () => {
    for (const host of ['10.0.0.5:8080', '192.168.1.20', '[2001:db8::1]:8080']) {
      assert.equal(hostAllowed(host, LOOPBACK_ONLY), false, host);
      assert.equal(hostAllowed(host, PUBLIC), true, host);
    }
  });

  it('answers allowed names exactly, or their subdomains with *.', () => {
    const policy: HostPolicy = { anyAddress: false, allowed: ['fleetmon.example.com', '*.svc'] };
    assert.equal(hostAllowed('fleetmon.example.com:443', policy), true);
    assert.equal(hostAllowed('FLEETMON.example.com', policy), true);
    assert.equal(hostAllowed('x.fleetmon.example.com', policy), false);
    assert.equal(hostAllowed('fleetmon.monitoring.svc:8080', policy), true);
    assert.equal(hostAllowed('svc', policy), false);
    assert.equal(hostAllowed('evilsvc', policy), false);
  });

  it('refuses what is not a host at all', () => {
    for (const host of ['', 'evil.com@127.0.0.1', '127.0.0.1/x', 'a b', '[::1']) {
      assert.equal(hostAllowed(host, LOOPBACK_ONLY), false, host);
    }
  });
});

describe('allowedHostName', () => {
  it('takes names, *.domains, * and addresses, lower-cased', () => {
    assert.equal(allowedHostName('Fleetmon.Example.com.'), 'fleetmon.example.com');
    assert.equal(allowedHostName('*.svc.cluster.local'), '*.svc.cluster.local');
    assert.equal(allowedHostName('*'), '*');
    assert.equal(allowedHostName('10.0.0.5'), '10.0.0.5');
    assert.equal(allowedHostName('[2001:db8::1]'), '[2001:db8::1]');
  });

  it('refuses anything else', () => {
    for (const bad of ['', 'a b', 'evil.com:8080', 'http://x', '*.', 'a..b', '-x.com', 'x*.com']) {
      assert.equal(allowedHostName(bad), undefined, bad);
    }
  });
});

describe('the host check in the app', () => {
  it('answers 421 with a one-line JSON error naming the flag', async () => {
    const { app } = testApp();
    const res = await app.request('/api/v1/status', { headers: { Host: 'evil.example.com' } });
    assert.equal(res.status, 421);
    const body = (await res.json()) as { status: number; error: string; message: string };
    assert.deepEqual([body.status, body.error], [421, 'Misdirected Request']);
    assert.equal(
      body.message,
      'Host "evil.example.com" is not served here (it answers loopback names and addresses, and names given with --allow-host); to serve it, add --allow-host evil.example.com',
    );
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  it('answers loopback names, and /healthz is no exception to the check', async () => {
    const { app } = testApp();
    assert.equal(
      (await app.request('/healthz', { headers: { Host: '127.0.0.1:8080' } })).status,
      200,
    );
    assert.equal(
      (await app.request('/healthz', { headers: { Host: 'evil.example' } })).status,
      421,
    );
  });
});
