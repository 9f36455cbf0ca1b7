// Scans of a synthetic fleet built straight into the store's packed form, so a benchmark
// measures the store and not the building of row objects: `services` services of equal size,
// values drifting a little each scan, a few instances crossing the 75% limit now and then.
import { STATUS_CODE } from '../../src/store/codec.ts';
import type { ScanRecord } from '../../src/store/scan-record.ts';

/** A fleet of `instances` instances that yields one scan record per call. */
export function syntheticFleet(instances: number, services = 12, seed = 1) {
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const ips = Array.from(
    { length: instances },
    (_, k) => `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`,
  ).join('\n');
  const names = Array.from({ length: services }, (_, s) => `Service${String(s).padStart(2, '0')}`);
  const serviceIndex = Uint32Array.from({ length: instances }, (_, k) => k % services);
  const cpu = Float64Array.from({ length: instances }, () => 10 + random() * 60);
  const memory = Float64Array.from({ length: instances }, () => 10 + random() * 60);
  return {
    names,
    ips,
    /** The next scan, taken at `ts`. */
    scan(ts: number): ScanRecord {
      const status = new Uint8Array(instances);
      const c = new Uint16Array(instances);
      const m = new Uint16Array(instances);
      for (let k = 0; k < instances; k++) {
        cpu[k] = Math.min(100, Math.max(0, (cpu[k] ?? 0) + (random() - 0.5) * 4));
        memory[k] = Math.min(100, Math.max(0, (memory[k] ?? 0) + (random() - 0.5) * 2));
        c[k] = Math.round((cpu[k] ?? 0) * 100);
        m[k] = Math.round((memory[k] ?? 0) * 100);
        status[k] =
          (cpu[k] ?? 0) < 75 && (memory[k] ?? 0) < 75 ? STATUS_CODE.healthy : STATUS_CODE.unhealthy;
      }
      return {
        ts,
        durationMs: 1000,
        count: instances,
        ips,
        services: names,
        serviceIndex,
        status,
        cpu: c,
        memory: m,
        reasons: new Map(),
        minHealthy: 2,
      };
    },
  };
}
