import type { Timers } from './timers.ts';

interface Pending {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/** Timers on a clock that moves only when told; for scheduling tests. */
export class FakeTimers implements Timers {
  #now = 0;
  #nextId = 1;
  #pending: Pending[] = [];

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: this.#nextId++, at: this.#now + Math.max(0, ms), fn };
    this.#pending.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending = this.#pending.filter((t) => t.id !== handle);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Moves the clock `ms` on, firing every timer that falls due in order, settling promises between. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      await settle();
      const due = this.#pending
        .filter((t) => t.at <= end)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.#pending = this.#pending.filter((t) => t !== due);
      this.#now = due.at;
      due.fn();
    }
    this.#now = end;
    await settle();
  }
}

/** Lets promise chains started by a timer run to their end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
