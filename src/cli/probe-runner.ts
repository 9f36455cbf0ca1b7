import packageJson from '../../package.json' with { type: 'json' };
import { createProbeRunner, type ProbeRunner } from '../probe/run-probe.ts';
import { systemClock } from '../time/clock.ts';
import { systemWallClock } from '../time/wall-clock.ts';

/** The probe runner over the real network, the system clock and real timers. */
export function realProbeRunner(): ProbeRunner {
  return createProbeRunner({
    wallClock: systemWallClock(),
    clock: systemClock,
    userAgent: `fleetmon/${packageJson.version} (probe)`,
  });
}
