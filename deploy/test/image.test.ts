// Builds the image with podman (from a local Debian base where no registry is reachable) and
// runs it as the docs say: the default command on a read-only root, and other commands.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { freePort } from '../../test/helpers/net.ts';
import { eventually } from './processes.ts';
import { missingTools, run, runOk } from './tools.ts';

// A fixed build number: a rebuild with unchanged sources reuses every cached layer.
const BUILD = '4242';
const name = `fleetmon-check-${process.pid}`;

/** Why the image cannot be built here, or undefined when it can. */
function cannotBuild(): string | undefined {
  const missing = missingTools('podman', 'runc');
  if (missing.length > 0) {
    return `${missing.join(', ')} not installed (apt-get install podman runc debootstrap)`;
  }
  if (process.env.FLEETMON_IMAGE_BASE) return undefined;
  if (missingTools('debootstrap').length > 0)
    return 'debootstrap not installed (apt-get install debootstrap)';
  if (process.getuid?.() !== 0)
    return 'the local base image needs root (debootstrap); or set FLEETMON_IMAGE_BASE';
  return undefined;
}
const reason = cannotBuild();

describe('container image', { timeout: 900_000 }, () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let image = '';
  let base = '';
  // The flags this VM needs (cgroup v1, no systemd): harmless on other machines.
  const podman = (args: readonly string[], timeoutMs = 120_000) =>
    run('podman', ['--runtime', 'runc', '--cgroup-manager', 'cgroupfs', ...args], {
      env,
      timeoutMs,
    });
  const podmanOk = async (args: readonly string[], timeoutMs?: number) => {
    const result = await podman(args, timeoutMs);
    if (result.code !== 0) throw new Error(`podman ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const skip = (t: TestContext): boolean => {
    if (reason !== undefined) t.skip(`SKIPPED: ${reason}`);
    return reason !== undefined;
  };

  before(
    async () => {
      if (reason !== undefined) return;
      dir = await mkdtemp(join(tmpdir(), 'fleetmon-image-'));
      await writeFile(join(dir, 'containers.conf'), '[containers]\ndefault_ulimits = []\n');
      env = {
        ...process.env,
        CONTAINERS_CONF: join(dir, 'containers.conf'),
        CONTAINER_ENGINE: 'podman --runtime runc --cgroup-manager cgroupfs',
        CONTAINER_BUILD_FLAGS: '--network host --ulimit nofile=20000:20000',
        FLEETMON_BUILD: BUILD,
      };
      base =
        process.env.FLEETMON_IMAGE_BASE ||
        (await runOk('scripts/container-base.sh', [], { env, timeoutMs: 300_000 })).trim();
      const built = await runOk('scripts/image-build.sh', ['--base', base], {
        env,
        timeoutMs: 600_000,
      });
      image = built.trim().split('\n').at(-1) ?? '';
    },
    { timeout: 900_000 },
  );

  after(async () => {
    if (reason !== undefined) return;
    await podman(['rm', '--force', '--time', '2', `${name}-serve`, `${name}-mock`]);
    await podman(['volume', 'rm', '--force', `${name}-state`]);
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('builds, and its size is reported', async (t) => {
    if (skip(t)) return;
    const size = async (ref: string) =>
      Number(await podmanOk(['image', 'inspect', '--format', '{{.Size}}', ref]));
    const [mine, theirs] = [await size(image), await size(base)];
    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
    t.diagnostic(
      `${image}: ${mb(mine)} (base ${mb(theirs)}, fleetmon's layers ${mb(mine - theirs)})`,
    );
    assert.ok(mine - theirs < 20e6, 'fleetmon adds less than 20 MB to its base');
  });

  it('prints the build number and commit in --version, as in its labels', async (t) => {
    if (skip(t)) return;
    const expected = (await runOk(process.execPath, ['scripts/version.ts'], { env })).trim();
    assert.match(expected, new RegExp(`\\+build\\.${BUILD}\\.g[0-9a-f]{7}$`));
    assert.equal(
      (await podmanOk(['run', '--rm', '--network', 'none', image, '--version'])).trim(),
      expected,
    );
    const labels = JSON.parse(
      await podmanOk(['image', 'inspect', '--format', '{{json .Config.Labels}}', image]),
    ) as Record<string, string>;
    assert.equal(labels['org.opencontainers.image.version'], expected);
    assert.equal(labels['io.fleetmon.build'], BUILD);
    assert.equal(
      labels['org.opencontainers.image.revision'],
      (await runOk('git', ['rev-parse', 'HEAD'])).trim(),
    );
    assert.equal(labels['org.opencontainers.image.title'], 'fleetmon');
  });

  it('carries the bundle alone: no node_modules, and every lazily loaded module loads', async (t) => {
    if (skip(t)) return;
    const script =
      "const fs=require('node:fs');if(fs.existsSync('/app/node_modules'))throw new Error('node_modules');" +
      "Promise.all(fs.readdirSync('/app/dist/lazy').filter(f=>f.endsWith('.js')).map(f=>import('/app/dist/lazy/'+f)))" +
      ".then(m=>console.log(m.length+' modules'))";
    const out = await podmanOk([
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      'node',
      image,
      '-e',
      script,
    ]);
    assert.match(out, /^\d+ modules$/m);
  });

  it('serves by default as uid 10001 on a read-only root: /healthz, /readyz, HEALTHCHECK', async (t) => {
    if (skip(t)) return;
    assert.equal(
      (await podmanOk(['image', 'inspect', '--format', '{{.Config.User}}', image])).trim(),
      '10001:10001',
    );
    // Like the Kubernetes pods: read-only root, no capabilities, the state directory a volume.
    await podmanOk([
      'run',
      '--detach',
      '--name',
      `${name}-serve`,
      '--network',
      'none',
      '--read-only',
      '--read-only-tmpfs=false',
      '--volume',
      `${name}-state:/var/lib/fleetmon`,
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      '--health-interval',
      'disable',
      '--env',
      'FLEETMON_API=demo',
      image,
    ]);
    const answer = (path: string) =>
      eventually(`${path} answering 200`, async () => {
        const out = await podmanOk([
          'exec',
          `${name}-serve`,
          'node',
          '-e',
          `fetch('http://127.0.0.1:8080${path}').then(async r=>console.log(r.status, await r.text()))`,
        ]);
        return out.startsWith('200 ') ? out : undefined;
      });
    assert.match(await answer('/healthz'), /"status":"ok"/);
    assert.match(await answer('/readyz'), /"ready":true/);
    assert.equal((await podmanOk(['exec', `${name}-serve`, 'id', '-u'])).trim(), '10001');
    assert.equal((await podman(['healthcheck', 'run', `${name}-serve`])).code, 0);
    const stopped = await podman(['stop', '--time', '10', `${name}-serve`]);
    assert.equal(stopped.code, 0);
    const code = await podmanOk(['inspect', '--format', '{{.State.ExitCode}}', `${name}-serve`]);
    assert.equal(code.trim(), '0', 'SIGTERM ends serve with 0');
  });

  it('runs any other command: a mock provider in one container, services from another', async (t) => {
    if (skip(t)) return;
    const port = await freePort();
    await podmanOk([
      'run',
      '--detach',
      '--name',
      `${name}-mock`,
      '--network',
      'host',
      image,
      'mock',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ]);
    await eventually('mock answering', async () =>
      (await fetch(`http://127.0.0.1:${port}/servers`).catch(() => undefined))?.ok
        ? true
        : undefined,
    );
    const out = await podmanOk([
      'run',
      '--rm',
      '--network',
      'host',
      image,
      'services',
      '--api',
      `127.0.0.1:${port}`,
      '-o',
      'json',
    ]);
    const services = JSON.parse(out) as { service: string; instances: number }[];
    assert.ok(services.length > 0 && services.every((s) => s.instances > 0));
  });
});
