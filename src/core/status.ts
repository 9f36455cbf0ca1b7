import type { InstanceRow, InstanceStats, InstanceStatus, Reading, Thresholds } from './types.ts';

/** `healthy` when cpu and memory are both strictly below their limits (75% each by default). */
export function statusOf(stats: InstanceStats, limits: Thresholds): InstanceStatus {
  return stats.cpu < limits.maxCpu && stats.memory < limits.maxMemory ? 'healthy' : 'unhealthy';
}

/** Turns what a scan read about one instance into the row users see. */
export function toInstanceRow(reading: Reading, limits: Thresholds): InstanceRow {
  if (!reading.ok) {
    return {
      ip: reading.ip,
      service: reading.service,
      status: 'unreachable',
      cpu: null,
      memory: null,
      error: reading.error,
    };
  }
  const { service, cpu, memory } = reading.stats;
  return { ip: reading.ip, service, status: statusOf(reading.stats, limits), cpu, memory };
}
