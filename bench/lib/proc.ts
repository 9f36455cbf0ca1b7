// What a child process holds, read from /proc (Linux): resident memory, descriptors, sockets.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** One reading of a process. */
export interface ProcSample {
  t: number;
  rssKiB: number;
  fds: number;
  sockets: number;
}

/** Reads `/proc/<pid>`; null once the process is gone. */
export function sampleProc(target: number): ProcSample | null {
  try {
    const status = readFileSync(`/proc/${target}/status`, 'utf8');
    const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
    const fds = readdirSync(`/proc/${target}/fd`);
    let sockets = 0;
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${target}/fd/${fd}`).startsWith('socket:')) sockets++;
      } catch {
        // closed between readdir and readlink
      }
    }
    return { t: Date.now(), rssKiB, fds: fds.length, sockets };
  } catch {
    return null;
  }
}

/** Least-squares slope of y over minutes. */
export function slopePerMinute(points: readonly [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
