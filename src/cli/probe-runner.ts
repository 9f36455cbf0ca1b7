import { setTimeout as sleep } from 'node:timers/promises';
import packageJson from '../../package.json' with { type: 'json' };
import { createProbeRunner, type ProbeRunner } from '../probe/run-probe.ts';
import { systemWallClock } from '../probe/wall-clock.ts';

/** The probe runner over the real network, the system clock and real timers. */
export function realProbeRunner(): ProbeRunner {
  return createProbeRunner({
    clock: systemWallClock(),
    sleep: async (ms, signal) => {
      try {
        await sleep(ms, undefined, signal === undefined ? {} : { signal });
        return true;
      } catch {
        return false;
      }
    },
    userAgent: `fleetmon/${packageJson.version} (probe)`,
  });
}
