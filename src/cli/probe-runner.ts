import packageJson from '../../package.json' with { type: 'json' };
import { createProbeRunner, type ProbeRunner } from '../probe/run-probe.ts';
import type { Clock } from '../time/clock.ts';
import { systemWallClock } from '../time/wall-clock.ts';

/** The probe runner over the real network and the system clock to the µs, with `clock`'s timers. */
export function realProbeRunner(clock: Clock): ProbeRunner {
  return createProbeRunner({
    wallClock: systemWallClock(),
    clock,
    userAgent: `fleetmon/${packageJson.version} (probe)`,
  });
}
