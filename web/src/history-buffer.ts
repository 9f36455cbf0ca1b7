import type { HistoryAnswer } from './api.ts';

/** One instance's values, aligned with {@link HistoryBuffer.ts}. */
export interface MemberSeries {
  readonly cpu: (number | null)[];
  readonly memory: (number | null)[];
}

/**
 * A service's history as the charts draw it: filled once from the full window, then
 * extended with `since=` answers after each scan, and trimmed to the window.
 */
export class HistoryBuffer {
  ts: number[] = [];
  cpu: (number | null)[] = [];
  memory: (number | null)[] = [];
  members = new Map<string, MemberSeries>();
  windowMs = 3_600_000;

  /** Epoch ms of the newest point, for the next `since=`. */
  get lastTs(): number | undefined {
    return this.ts.at(-1);
  }

  /** Appends the points of `answer` newer than what is held, and drops those past the window. */
  merge(answer: HistoryAnswer): void {
    this.windowMs = answer.windowMs;
    const last = this.lastTs ?? Number.NEGATIVE_INFINITY;
    const from = answer.ts.findIndex((t) => t > last);
    if (from < 0) return;
    const held = this.ts.length;
    const added = answer.ts.length - from;
    this.ts.push(...answer.ts.slice(from));
    this.cpu.push(...answer.cpu.slice(from));
    this.memory.push(...answer.memory.slice(from));
    const seen = new Set<string>();
    for (const member of answer.members) {
      seen.add(member.ip);
      let series = this.members.get(member.ip);
      if (series === undefined) {
        series = { cpu: new Array(held).fill(null), memory: new Array(held).fill(null) };
        this.members.set(member.ip, series);
      }
      series.cpu.push(...member.cpu.slice(from));
      series.memory.push(...member.memory.slice(from));
    }
    for (const [ip, series] of this.members) {
      if (seen.has(ip)) continue;
      for (let i = 0; i < added; i++) {
        series.cpu.push(null);
        series.memory.push(null);
      }
    }
    this.#trim();
  }

  #trim(): void {
    const newest = this.lastTs ?? 0;
    let cut = 0;
    while (cut < this.ts.length && (this.ts[cut] ?? 0) < newest - this.windowMs) cut++;
    if (cut === 0) return;
    this.ts.splice(0, cut);
    this.cpu.splice(0, cut);
    this.memory.splice(0, cut);
    for (const [ip, series] of this.members) {
      series.cpu.splice(0, cut);
      series.memory.splice(0, cut);
      if (series.cpu.every((v) => v === null) && series.memory.every((v) => v === null)) {
        this.members.delete(ip);
      }
    }
  }
}
