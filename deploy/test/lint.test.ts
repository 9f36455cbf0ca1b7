import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { needTools, readRepoFile, repoFiles, runOk } from './tools.ts';

/** Shell scripts: `*.sh`, and files under .ci/ and scripts/ that start with a shell's #!. */
async function shellScripts(): Promise<string[]> {
  const candidates = await repoFiles(/(\.sh$|^\.ci\/|^scripts\/)/);
  const scripts: string[] = [];
  for (const path of candidates) {
    const first = (await readRepoFile(path)).split('\n', 1)[0] ?? '';
    if (path.endsWith('.sh') || /^#!.*\b(ba|da)?sh\b/.test(first)) scripts.push(path);
  }
  return scripts;
}

describe('lint', () => {
  it('shellcheck passes on every shell script', async (t) => {
    if (!needTools(t, { shellcheck: 'shellcheck' })) return;
    const scripts = await shellScripts();
    assert.ok(
      scripts.includes('.ci/run') && scripts.includes('scripts/image-build.sh'),
      `${scripts}`,
    );
    await runOk('shellcheck', ['--external-sources', ...scripts]);
  });

  it('yamllint passes on every YAML file', async (t) => {
    if (!needTools(t, { yamllint: 'yamllint' })) return;
    const files = await repoFiles(/\.ya?ml$/);
    assert.ok(
      files.includes('compose.yaml') && files.includes('.github/workflows/ci.yml'),
      `${files}`,
    );
    await runOk('yamllint', ['--strict', '--config-file', '.yamllint.yaml', ...files]);
  });
});
