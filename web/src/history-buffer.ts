import type { HistoryAnswer } from './api.ts';

/** One instance's values, aligned with {@link HistoryBuffer.ts}. */
export interface MemberSeries {
  readonly cpu: (number | null)[];
  readonly memory: (number | null)[];
}

/**
 * A service's history as the charts draw it, for one time range: filled from the store, then
 * extended after each scan by asking again from the last stored point (which replaces that
 * point, still filling up, and adds what followed). While the store is down, each scan's
 * service means are added as points of their own, and replaced once the store answers again.
 */
export class HistoryBuffer {
  ts: number[] = [];
  cpu: (number | null)[] = [];
  memory: (number | null)[] = [];
  members = new Map<string, MemberSeries>();
  /** Start of the newest point that came from the store; the next request starts there. */
  lastStored: number | undefined;

  /** Puts the answer's points in place of what is held from its start on. */
  merge(answer: HistoryAnswer, gapMs: number): void {
    const cut = this.ts.findIndex((t) => t >= answer.from);
    this.#truncate(cut < 0 ? this.ts.length : cut);
    const held = this.ts.length;
    answer.ts.forEach((t, i) => {
      this.#gap(t, gapMs);
      this.ts.push(t);
      this.cpu.push(answer.cpu[i] ?? null);
      this.memory.push(answer.memory[i] ?? null);
    });
    const width = this.ts.length;
    const seen = new Set<string>();
    for (const member of answer.members ?? []) {
      seen.add(member.ip);
      let series = this.members.get(member.ip);
      if (series === undefined) {
        series = { cpu: [], memory: [] };
        this.members.set(member.ip, series);
      }
      pad(series, held);
      // Points added for gaps carry no member values either.
      const at = new Map(answer.ts.map((t, i) => [t, i]));
      for (let k = held; k < width; k++) {
        const i = at.get(this.ts[k] ?? Number.NaN);
        series.cpu.push(i === undefined ? null : (member.cpu[i] ?? null));
        series.memory.push(i === undefined ? null : (member.memory[i] ?? null));
      }
    }
    for (const [ip, series] of this.members) if (!seen.has(ip)) pad(series, width);
    if (answer.ts.length > 0) this.lastStored = answer.ts[answer.ts.length - 1];
  }

  /** Adds a scan's means while the store cannot be asked (no instance lines for it). */
  appendLive(ts: number, cpu: number | null, memory: number | null, gapMs: number): void {
    if (ts <= (this.ts[this.ts.length - 1] ?? Number.NEGATIVE_INFINITY)) return;
    this.#gap(ts, gapMs);
    this.ts.push(ts);
    this.cpu.push(cpu);
    this.memory.push(memory);
    for (const series of this.members.values()) pad(series, this.ts.length);
  }

  /** Drops points older than `from`, and lines with nothing left to draw. */
  trim(from: number): void {
    let cut = 0;
    while (cut < this.ts.length && (this.ts[cut] ?? 0) < from) cut++;
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

  /** A null point where nothing was recorded for a while (serve stopped), so no line spans it. */
  #gap(ts: number, gapMs: number): void {
    const last = this.ts[this.ts.length - 1];
    if (last === undefined || ts - last <= gapMs) return;
    this.ts.push(last + 1);
    this.cpu.push(null);
    this.memory.push(null);
  }

  #truncate(length: number): void {
    this.ts.length = length;
    this.cpu.length = length;
    this.memory.length = length;
    for (const series of this.members.values()) {
      series.cpu.length = Math.min(series.cpu.length, length);
      series.memory.length = Math.min(series.memory.length, length);
    }
  }
}

function pad(series: MemberSeries, length: number): void {
  while (series.cpu.length < length) series.cpu.push(null);
  while (series.memory.length < length) series.memory.push(null);
}
