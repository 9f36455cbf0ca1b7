// Preloaded into the soak's `fleetmon monitor` child (NODE_OPTIONS=--import): every few seconds
// it appends the child's heap after a full GC and its active handles to SOAK_PROBE_FILE. Bench
// code only; the product has no diagnostics switch. Needs --expose-gc for exact heap figures.
import { appendFileSync } from 'node:fs';

const file = process.env.SOAK_PROBE_FILE;
const everyMs = Number(process.env.SOAK_PROBE_MS ?? '5000');

if (file !== undefined && file !== '') {
  const collect = (globalThis as { gc?: () => void }).gc;
  const timer = setInterval(() => {
    collect?.();
    const memory = process.memoryUsage();
    const resources: Record<string, number> = {};
    for (const kind of process.getActiveResourcesInfo())
      resources[kind] = (resources[kind] ?? 0) + 1;
    appendFileSync(
      file,
      `${JSON.stringify({
        t: Date.now(),
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        heapTotal: memory.heapTotal,
        external: memory.external,
        resources,
      })}\n`,
    );
  }, everyMs);
  // Never the reason the child stays alive.
  timer.unref();
}
