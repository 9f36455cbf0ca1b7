import type { z } from 'zod';
import { alertsSection, maintenanceSection } from '../alert/config-schema.ts';
import { probesSection } from './probes-section.ts';
import { retentionSection } from './retention-section.ts';

/**
 * Sections of the config file with a schema of their own (`probes:`, `alerts:`…), by key. Each
 * schema validates its section completely, so `fleetmon config check` finds every problem with
 * its line and column. The shared settings and each command's options are not here: they come
 * from their option definitions (settings.ts, command-options.ts).
 */
export const FILE_SECTIONS = {
  alerts: alertsSection,
  maintenance: maintenanceSection,
  probes: probesSection,
  retention: retentionSection,
} as const satisfies Record<string, z.ZodType>;

/** The validated sections of one file; absent sections are `undefined`. */
export type FileSections = {
  readonly [K in keyof typeof FILE_SECTIONS]?: z.infer<(typeof FILE_SECTIONS)[K]>;
};
