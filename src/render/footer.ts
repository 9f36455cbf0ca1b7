import type { HealthRules, InstanceRow } from '../core/types.ts';
import { paint } from './style.ts';
import { plural } from './text.ts';

const SEP = ' · ';

/** The instance rule in words, with the values in force (`80.5` stays `80.5%`, never rounded). */
export function instanceRuleText(rules: HealthRules): string {
  return `healthy = cpu < ${rules.maxCpu}% and memory < ${rules.maxMemory}%`;
}

/** The service rule in words: the healthy-instance quorum. */
export function serviceRuleText(rules: HealthRules): string {
  return `a service needs ≥ ${plural(rules.minHealthy, 'healthy instance')}`;
}

/** Footer under an instance table: counts by status, then the rule that decided them. */
export function instancesFooter(
  rows: readonly InstanceRow[],
  rules: HealthRules,
  color: boolean,
): string {
  const counts = { healthy: 0, unhealthy: 0, unreachable: 0 };
  for (const row of rows) counts[row.status]++;
  const tally = `${plural(rows.length, 'instance')}: ${counts.healthy} healthy, ${counts.unhealthy} unhealthy, ${counts.unreachable} unreachable`;
  return paint(tally + SEP + instanceRuleText(rules), 'dim', color);
}

/** Footer under a services or health table: how many services, how many flagged, both rules. */
export function servicesFooter(
  rows: readonly { readonly status: 'ok' | 'flagged' }[],
  rules: HealthRules,
  color: boolean,
): string {
  const flagged = rows.filter((row) => row.status === 'flagged').length;
  const tally = `${plural(rows.length, 'service')}, ${flagged} flagged`;
  return paint(`${tally}${SEP}${instanceRuleText(rules)}; ${serviceRuleText(rules)}`, 'dim', color);
}
