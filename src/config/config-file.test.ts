import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { COMMAND_OPTIONS } from './command-options.ts';
import { type ConfigProblem, checkConfigText, readText } from './config-file.ts';
import { resolveOptions } from './options.ts';
import { resolveSettings, SETTING_OPTIONS } from './settings.ts';

function problems(text: string): ConfigProblem[] {
  const result = checkConfigText(text, 'fleetmon.yaml');
  assert.equal(result.ok, false, 'expected problems');
  return result.ok ? [] : result.problems;
}

function config(text: string) {
  const result = checkConfigText(text, 'fleetmon.yaml');
  if (!result.ok) assert.fail(JSON.stringify(result.problems));
  return result.config;
}

describe('checkConfigText', () => {
  it('reads shared settings at the top and command options in their section, YAML or JSON', () => {
    for (const text of [
      'api: demo\ntimeout: 2s\nmaxCpu: 80\nserve:\n  interval: 30s\n  listen: 127.0.0.1:9000\n',
      '{"api": "demo", "timeout": "2s", "maxCpu": 80, "serve": {"interval": "30s", "listen": "127.0.0.1:9000"}}',
    ]) {
      const file = config(text);
      const settings = resolveSettings({ flags: {}, env: {}, file: file.settings });
      assert.equal(settings.api, 'demo');
      assert.equal(settings.timeoutMs, 2000);
      assert.equal(settings.rules.maxCpu, 80);
      const serve = resolveOptions(COMMAND_OPTIONS.serve, {
        flags: {},
        env: {},
        file: file.section('serve'),
        section: 'serve',
      });
      assert.equal(serve.interval, 30_000);
      assert.deepEqual(serve.listen, { host: '127.0.0.1', port: 9000, loopback: true });
    }
  });

  it('takes an empty file or a comment as nothing set', () => {
    for (const text of ['', '# nothing yet\n']) {
      const file = config(text);
      assert.deepEqual(file.settings.values, {});
    }
  });

  it('names the line and column of an unknown key, and suggests the near one', () => {
    assert.deepEqual(problems('api: demo\nserve:\n  intervall: 30s\n'), [
      {
        line: 3,
        column: 3,
        message: 'unknown key "intervall" in serve (did you mean "interval"?)',
      },
    ]);
    const [top] = problems('timeout: 5s\nbanana: 1\n');
    assert.equal(top?.line, 2);
    assert.match(top?.message ?? '', /^unknown key "banana" \(allowed: api, output, .*\)$/);
  });

  it('checks every value as a flag would be checked, pointing at the value', () => {
    assert.deepEqual(problems('api: demo\nserve:\n  interval: soon\n'), [
      {
        line: 3,
        column: 13,
        message:
          'serve.interval: "soon" is not valid; expected a duration such as 500ms, 5s or 1m (500ms to 86400s)',
      },
    ]);
    const [api] = problems('api: "http://"\n');
    assert.equal(api?.line, 1);
    assert.match(api?.message ?? '', /^api: "http:\/\/" has no host; expected /);
  });

  it('lists every problem at once: unknown keys and bad values together, each once', () => {
    const found = problems(
      'api: demo\nmonitor:\n  interval: soon\nserve:\n  intervall: 30s\n  history: [1, 2]\n',
    );
    assert.deepEqual(
      found.map((p) => `${p.line}:${p.column}`),
      ['3:13', '5:3', '6:12'],
    );
  });

  it('refuses secrets in the file: they belong in the environment', () => {
    const [secret] = problems('serve:\n  authToken: hunter2hunter2\n');
    assert.match(secret?.message ?? '', /^unknown key "authToken" in serve/);
  });

  it('reports YAML syntax errors and duplicate keys with their place, never the text', () => {
    const [syntax] = problems('api: demo\nserve: [\n  secret-looking text\n');
    assert.ok(syntax !== undefined && syntax.line >= 2);
    assert.match(syntax.message, /^not valid YAML: /);
    assert.doesNotMatch(syntax.message, /secret-looking/);
    assert.deepEqual(problems('probes: [\n'), [
      {
        line: 2,
        column: 1,
        message:
          'not valid YAML: a [ is not closed with ], or what follows it is not indented under its key',
      },
    ]);
    assert.equal(
      problems('alerts: {\n')[0]?.message,
      'not valid YAML: a { is not closed with }, or what follows it is not indented under its key',
    );
    const [duplicate] = problems('api: demo\napi: demo\n');
    assert.equal(duplicate?.line, 2);
    assert.equal(duplicate?.message, 'not valid YAML: a key appears twice in one mapping');
  });

  it('says that a list or a mapping is the wrong shape', () => {
    const [shape] = problems('serve: 5\n');
    assert.deepEqual(shape, {
      line: 1,
      column: 8,
      message: 'serve: expected a mapping of keys to values',
    });
  });
});

describe('a file that is not a config file (a secret named by mistake)', () => {
  const secret = 'hunter2secretvalue';
  it('is never echoed: syntax errors, directives, aliases and odd keys are described, not quoted', () => {
    for (const text of [
      `${secret}`,
      `api: demo\n${secret}`,
      `${secret}: [`,
      `a: "${secret}`,
      `%YAML ${secret}\n---\na: 1`,
      `a: *${secret}`,
      `"${secret} and more": 1`,
      `${secret} ${secret}: 1`,
      `- ${secret}\nfoo: bar`,
      `[default]\naws_secret_access_key = ${secret}\n`,
    ]) {
      for (const problem of problems(text)) assert.doesNotMatch(problem.message, /hunter2/, text);
    }
  });

  it('is read up to 1 MiB only, so a device or a huge file is refused, not read for ever', async () => {
    await assert.rejects(readText('/dev/zero'), /config file \/dev\/zero is larger than 1 MiB/);
    await assert.rejects(readText('/nonexistent/fleetmon.yaml'), /: no such file$/);
  });
});

describe('checkConfigText properties', () => {
  it('returns a config or located one-line problems, for any text', () => {
    const keys = [...Object.keys(SETTING_OPTIONS), 'serve', 'monitor', 'banana'];
    const yamlish = fc
      .array(fc.tuple(fc.constantFrom(...keys), fc.oneof(fc.string(), fc.integer())), {
        maxLength: 5,
      })
      .map((pairs) => pairs.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n'));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.json(), yamlish), (text) => {
        const result = checkConfigText(text, 'f.yaml');
        if (result.ok) return;
        assert.ok(result.problems.length > 0);
        for (const problem of result.problems) {
          assert.ok(problem.line >= 1 && problem.column >= 1);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
          assert.doesNotMatch(problem.message, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\r\n]/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
