import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ConfigProblem, checkConfigText } from './config-file.ts';

function problems(text: string): string[] {
  const result = checkConfigText(text, 'fleetmon.yaml');
  assert.equal(result.ok, false, 'expected problems');
  return result.ok
    ? []
    : result.problems.map((p: ConfigProblem) => `${p.line}:${p.column}: ${p.message}`);
}

function probes(text: string) {
  const result = checkConfigText(text, 'fleetmon.yaml');
  if (!result.ok) assert.fail(JSON.stringify(result.problems));
  return result.config.sections.probes ?? [];
}

describe('the probes: section', () => {
  it('reads a full probe, and fills in the defaults of a minimal one', () => {
    const [full, minimal] = probes(`
probes:
  - name: time
    url: http://127.0.0.1:9001/now
    method: post
    headers: { Authorization: Bearer abc }
    body: '{"ping":1}'
    expectStatus: [200, 3xx]
    expectBody: { jsonPath: $.status, equals: ok }
    maxLatency: 250ms
    clock: { maxSkew: 1s, source: date, requests: 8 }
    interval: 10s
    timeout: 2s
    maxBody: 64KiB
    maxRedirects: 0
    insecure: true
    labels: { team: core, tier: 1 }
  - name: api
    url: https://example.com/health
`);
    assert.deepEqual(
      { ...full, expectBody: undefined },
      {
        name: 'time',
        url: 'http://127.0.0.1:9001/now',
        method: 'POST',
        headers: { Authorization: 'Bearer abc' },
        body: '{"ping":1}',
        expectStatus: {
          text: '200,3xx',
          ranges: [
            [200, 200],
            [300, 399],
          ],
        },
        expectBody: undefined,
        maxLatencyMs: 250,
        clock: { maxSkewMs: 1000, source: 'date', requests: 8 },
        intervalMs: 10_000,
        timeoutMs: 2000,
        maxBodyBytes: 65_536,
        maxRedirects: 0,
        insecure: true,
        labels: { team: 'core', tier: '1' },
      },
    );
    assert.deepEqual(full?.expectBody, {
      kind: 'json',
      path: '$.status',
      steps: ['status'],
      equals: 'ok',
    });
    assert.deepEqual(minimal, {
      name: 'api',
      url: 'https://example.com/health',
      method: 'GET',
      headers: {},
      body: undefined,
      expectStatus: { text: '2xx', ranges: [[200, 299]] },
      expectBody: undefined,
      maxLatencyMs: undefined,
      clock: undefined,
      intervalMs: 30_000,
      timeoutMs: 5000,
      maxBodyBytes: 1_048_576,
      maxRedirects: 5,
      insecure: false,
      labels: {},
    });
  });

  it('takes clock: true as a reading without a limit, and JSON as well as YAML', () => {
    const [p] = probes(
      '{"probes": [{"name": "t", "url": "http://[::1]:8080/now", "clock": true}]}',
    );
    assert.deepEqual(p?.clock, { maxSkewMs: undefined, source: 'auto', requests: 6 });
  });

  it('keeps the timeout within a short interval', () => {
    const [p] = probes('probes:\n  - { name: fast, url: "http://x/", interval: 2s }\n');
    assert.equal(p?.timeoutMs, 2000);
  });

  it('refuses an unknown key, a bad URL, a duplicate name and a negative interval, each with its line and column', () => {
    assert.deepEqual(
      problems(`probes:
  - name: time
    url: not a url
  - name: api
    url: http://x/
    intervall: 5s
  - name: Time
    url: http://y/
    interval: -5s
`),
      [
        '3:10: probes.0.url: "not a url" is not valid; expected an http:// or https:// URL, e.g. https://api.example.com/health',
        '6:5: unknown key "intervall" in probes.1 (did you mean "interval"?)',
        '7:11: probes.2.name: probe name "Time" is taken by probe 1; names must differ',
        '9:15: probes.2.interval: "-5s" is not valid; expected a duration such as 500ms, 5s or 1m (1000ms to 86400s)',
      ],
    );
    assert.deepEqual(
      problems(
        'probes:\n  - { name: a, url: "http://x/" }\n  - { name: b, url: "http://x/" }\n  - { name: A, url: "http://x/" }\n',
      ),
      ['4:13: probes.2.name: probe name "A" is taken by probe 1; names must differ'],
    );
  });

  const bad: [string, string, RegExp][] = [
    ['an ftp URL', 'url: "ftp://x/"', /probes\.0\.url: "ftp:\/\/x\/" is not valid/],
    ['a name with a slash', 'name: a/b', /probes\.0\.name: "a\/b" is not a probe name/],
    [
      'a status that is not one',
      'expectStatus: 700',
      /probes\.0\.expectStatus: 700 is not valid; expected a status such as 200/,
    ],
    ['a method that is not one', 'method: "GET /"', /probes\.0\.method: "GET \/" is not valid/],
    ['CONNECT', 'method: connect', /probes\.0\.method: "connect" is not valid/],
    [
      'a reserved label',
      'labels: { probe: x }',
      /probes\.0\.labels\.probe: "probe" cannot be a label name/,
    ],
    [
      'a bad header',
      'headers: { "Bad Name": x }',
      /probes\.0\.headers\.Bad Name: "Bad Name" is not a valid header/,
    ],
    [
      'both jsonPath and regex',
      'expectBody: { jsonPath: $.a, regex: a }',
      /probes\.0\.expectBody: expected either jsonPath/,
    ],
    [
      'a bad regex',
      'expectBody: { regex: "(" }',
      /probes\.0\.expectBody\.regex: \/\(\/ does not compile/,
    ],
    [
      'a bad JSON path',
      'expectBody: { jsonPath: "a[" }',
      /probes\.0\.expectBody\.jsonPath: "a\[" is not a JSON path/,
    ],
    ['clock: yes', 'clock: yes', /probes\.0\.clock: expected a mapping/],
    [
      'an unknown clock key',
      'clock: { maxskew: 1s }',
      /unknown key "maxskew" in probes\.0\.clock \(did you mean "maxSkew"\?\)/,
    ],
    [
      'a timeout past the interval',
      'interval: 5s, timeout: 10s',
      /probes\.0\.timeout: timeout 10000ms is longer than the interval/,
    ],
    [
      'a list for the interval',
      'interval: [1, 2]',
      /probes\.0\.interval: expected a single value, not a list/,
    ],
  ];
  for (const [name, fields, message] of bad) {
    it(`refuses ${name}`, () => {
      const entry = { name: 'name: p', url: 'url: "http://x/"' };
      const own = fields.startsWith('name:')
        ? { ...entry, name: fields }
        : fields.startsWith('url:')
          ? { ...entry, url: fields }
          : { ...entry, extra: fields };
      const found = problems(`probes:\n  - { ${Object.values(own).join(', ')} }\n`);
      assert.ok(
        found.some((p) => message.test(p)),
        found.join('\n'),
      );
    });
  }

  it('refuses probes: that is not a list', () => {
    assert.match(problems('probes: { name: x }\n')[0] ?? '', /^1:9: probes: expected array/);
  });
});
