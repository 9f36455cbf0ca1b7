import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.ts';
import { freePort } from './net.ts';

/** Debian's Alertmanager (package prometheus-alertmanager; .ci/run installs it). */
export const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

/** A skip reason when Alertmanager is not installed, for `describe(…, { skip })`. */
export const alertmanagerMissing = existsSync(ALERTMANAGER)
  ? false
  : `${ALERTMANAGER} is missing: apt-get install prometheus-alertmanager (.ci/run does)`;

/** A real Alertmanager on a loopback port, with clustering off and its data in a temporary dir. */
export interface RunningAlertmanager {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts Alertmanager with `config` (YAML) and waits, bounded, until it says it is ready. */
export async function startAlertmanager(config: string): Promise<RunningAlertmanager> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetmon-am-'));
  await writeFile(join(dir, 'alertmanager.yml'), config);
  const port = await freePort();
  const child = spawn(
    ALERTMANAGER,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const ready = async () => {
    if (child.exitCode !== null) throw new Error('Alertmanager exited');
    return (
      (await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      )) || undefined
    );
  };
  try {
    await eventually('Alertmanager getting ready', ready, { everyMs: 100, tries: 150 });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}: ${output}`);
  }
  return { url, child, output: () => output, stop };
}
