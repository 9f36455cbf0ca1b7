// scripts/deploy.sh against a stand-in kubectl that records what it is asked and renders with
// the real one: the order of the steps, the image, and what happens when a step fails.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { missingTools, run } from './tools.ts';

const STUB = `#!/bin/sh
# Records each call; renders with the real kubectl; answers the rest as STUB_* say.
echo "$*" >> "$STUB_LOG"
case " $* " in
  *" kustomize "*) exec "$REAL_KUBECTL" "$@" ;;
  *" get secret "*) for s in $STUB_SECRETS; do case " $* " in *" $s "*) exit 0 ;; esac; done; exit 1 ;;
  *" rollout status "*) [ -z "$STUB_ROLLOUT_FAILS" ] || { echo "rollout: timed out" >&2; exit 1; } ;;
  *" logs "*) echo "migrate: database unreachable" ;;
  *" --filename - "*) cat > /dev/null ;;
esac
for last; do :; done
case " $* " in *" apply "*) [ "$last" = - ] || cp "$last" "$STUB_DIR/applied.yaml" ;; esac
exit 0
`;

describe('scripts/deploy.sh', () => {
  let dir = '';
  let realKubectl = '';
  const skip = (t: TestContext): boolean => {
    if (realKubectl === '') t.skip('SKIPPED: kubectl not installed');
    return realKubectl === '';
  };

  before(async () => {
    if (missingTools('kubectl').length > 0) return;
    realKubectl = (await run('sh', ['-c', 'command -v kubectl'])).stdout.trim();
    dir = await mkdtemp(join(tmpdir(), 'fleetmon-deploy-'));
    await writeFile(join(dir, 'kubectl'), STUB);
    await chmod(join(dir, 'kubectl'), 0o755);
  });
  after(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  async function deploy(args: string[], env: Record<string, string> = {}) {
    const log = join(dir, `calls-${Math.random().toString(36).slice(2)}.log`);
    await writeFile(log, '');
    const result = await run('scripts/deploy.sh', args, {
      env: {
        ...process.env,
        PATH: `${dir}:${process.env.PATH}`,
        REAL_KUBECTL: realKubectl,
        STUB_LOG: log,
        STUB_DIR: dir,
        STUB_SECRETS: 'fleetmon-auth fleetmon-database',
        ...env,
      },
    });
    const calls = (await readFile(log, 'utf8')).trim().split('\n');
    return { ...result, calls };
  }

  it('renders the overlay with the image, checks it with the server, applies, waits', async (t) => {
    if (skip(t)) return;
    const result = await deploy(['stage', '0.2.0-build.57.g1a2b3c4'], {
      IMAGE_REPOSITORY: 'registry.test/fleetmon',
    });
    assert.equal(result.code, 0, result.stderr);
    const steps = result.calls.map((call) => call.replace(/\S+\/rendered\.yaml/g, 'FILE'));
    // The namespace is created by two kubectl in a pipe: their calls come in either order.
    assert.deepEqual(steps.slice(1, 3).sort(), [
      'apply --filename -',
      'create namespace fleetmon-stage --dry-run=client --output yaml',
    ]);
    assert.deepEqual(steps.slice(3), [
      '--namespace fleetmon-stage get secret fleetmon-auth',
      '--namespace fleetmon-stage get secret fleetmon-database',
      '--namespace fleetmon-stage apply --dry-run=server --filename FILE',
      '--namespace fleetmon-stage apply --filename FILE',
      '--namespace fleetmon-stage rollout status deployment/fleetmon --timeout=10m',
    ]);
    const applied = await readFile(join(dir, 'applied.yaml'), 'utf8');
    assert.match(applied, /image: registry\.test\/fleetmon:0\.2\.0-build\.57\.g1a2b3c4/);
    assert.doesNotMatch(applied, /image: fleetmon:/);
  });

  it('stops before applying anything when a secret the pods need is missing', async (t) => {
    if (skip(t)) return;
    const result = await deploy(['prod'], { STUB_SECRETS: 'fleetmon-auth' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /secret fleetmon-database missing in namespace fleetmon/);
    assert.ok(!result.calls.some((call) => call.includes('apply --dry-run=server')));
  });

  it('rolls back, with the migrations log, when the rollout fails', async (t) => {
    if (skip(t)) return;
    const result = await deploy(['dev'], {
      STUB_ROLLOUT_FAILS: '1',
      STUB_SECRETS: 'fleetmon-auth',
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /rollout failed[\s\S]*database unreachable[\s\S]*rolling back/);
    assert.ok(result.calls.includes('--namespace fleetmon-dev rollout undo deployment/fleetmon'));
  });

  it('names the overlays it knows when given another', async () => {
    const result = await run('scripts/deploy.sh', ['qa']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /usage: scripts\/deploy\.sh dev\|stage\|prod/);
  });
});
