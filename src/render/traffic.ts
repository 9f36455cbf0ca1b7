import type { TrafficSummary } from '../core/types.ts';

/**
 * One line on what a command asked of the provider (`--stats`): requests and their rate,
 * retries, answer times of the stats reads, connections, connects re-sent after a full listen
 * queue, requests pipelined behind stalled answers, and the adaptive concurrency window. What
 * to look at when a scan is slower than the provider should allow.
 */
export function formatTraffic(traffic: TrafficSummary): string {
  const { requests, retries, activeMs, latency, connections, resentConnects, pipelined, window } =
    traffic;
  const over =
    activeMs > 0 ? ` in ${formatMs(activeMs)} (${Math.round((requests / activeMs) * 1000)}/s)` : '';
  const parts = [
    `${plural(requests, 'request')}${over}, ${retries === 0 ? 'no retries' : plural(retries, 'retry', 'retries')}`,
  ];
  if (latency !== undefined) {
    parts.push(
      `answers: median ${formatMs(latency.medianMs)}, p99 ${formatMs(latency.p99Ms)}, max ${formatMs(latency.maxMs)}`,
    );
  }
  const resent =
    resentConnects === 0
      ? ''
      : `, ${plural(resentConnects, 'connect')} re-sent (listen queue full)`;
  const behind = pipelined === 0 ? '' : `, ${pipelined} sent behind a stalled answer`;
  parts.push(`${plural(connections, 'connection')}${resent}${behind}`);
  parts.push(
    window.decreases === 0
      ? `window ${window.limit} of ${window.max}, never cut`
      : `window cut ${window.decreases}×, ${window.limit} of ${window.max} at the end`,
  );
  return `stats: ${parts.join(' · ')}`;
}

/** `0.35 ms`, `4.2 ms`, `183 ms`, `1.24 s`: three figures at most, enough to compare runs. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
