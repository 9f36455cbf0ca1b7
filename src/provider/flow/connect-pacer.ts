import type { Clock, Timer } from '../../time/clock.ts';

/** Connects at once to a provider not yet heard from. */
const INITIAL_CONNECTS = 4;
/**
 * A connection held this many times as long as the provider usually holds one, and at least
 * {@link STALE_HOLD_MIN_MS}, no longer counts as held: it is hung, not queued.
 */
const STALE_HOLD_FACTOR = 4;
/** Floor of the hung-connection rule: a quick provider's queue keeps none of ours this long. */
const STALE_HOLD_MIN_MS = 50;

/** What the pacer needs to know of the connections the provider holds of ours. */
export interface HeldCount {
  /** Connections carrying a request now that began at most `maxAgeMs` ago. */
  heldWithin(maxAgeMs: number): number;
}

/**
 * Paces connects: at most `cap` at once, the others wait here in order. A small listen backlog
 * limits how fast connections may arrive, not how many requests a provider can serve, so a
 * dropped SYN paces the connects and leaves the request window alone.
 *
 * - The cap starts at {@link INITIAL_CONNECTS} and grows by one per connect that gets through
 *   at its first try, doubling every round (slow start), until the first dropped SYN or a
 *   {@link limit}.
 * - From then on a dropped SYN halves it from the connects under way, once per burst, and each
 *   round of connects that get through at the first try raises it by one (AIMD).
 * - After {@link holdAtCurrent}, a connect also starts only while the provider holds fewer
 *   connections of ours than it did then, and each connection it lets go of ({@link released})
 *   makes room for one, as ACKs clock TCP's sends.
 */
export class ConnectPacer {
  readonly #clock: Clock;
  readonly #held: HeldCount;
  #cap = INITIAL_CONNECTS;
  #slowStart = true;
  #active = 0;
  #credit = 0;
  #cutAt = Number.NEGATIVE_INFINITY;
  #resent = 0;
  #queue: Array<{ start: () => void; withdrawn: boolean } | undefined> = [];
  #head = 0;
  #holdCap = Number.POSITIVE_INFINITY;
  #holdCredit = 0;
  /** How long the provider held a connection of ours before letting go (moving average). */
  #heldMs: number | undefined;
  #recheck: Timer | undefined;
  /** Connects under way, oldest first, each with a function that re-sends it if its SYN was most likely dropped. */
  readonly #underWay = new Set<() => boolean>();

  constructor(clock: Clock, held: HeldCount) {
    this.#clock = clock;
    this.#held = held;
  }

  /** Connects allowed at once now. */
  get cap(): number {
    return this.#cap;
  }

  /** Connects sent again so far because their SYN was most likely dropped. */
  get resent(): number {
    return this.#resent;
  }

  /** Caps connects at once from now on and ends slow start (lowers the cap only). */
  limit(cap: number): void {
    this.#cap = Math.min(this.#cap, Math.max(1, Math.floor(cap)));
    this.#slowStart = false;
  }

  /** Runs `start` now, or once a connect ends; returns a function that withdraws it if still waiting. */
  enter(start: () => void): () => void {
    if (this.#room()) {
      this.#active += 1;
      start();
      return noop;
    }
    const entry = { start, withdrawn: false };
    this.#queue.push(entry);
    this.#lookAgainLater();
    return () => {
      entry.withdrawn = true;
    };
  }

  /** A connect that entered has ended, whichever way. */
  leave(): void {
    this.#active -= 1;
    this.#wake();
  }

  /**
   * From now on, connects start only while the provider holds fewer connections of ours than it
   * does now (at least `floor`), counting those under way; the hold grows by one per round of
   * connects that get through at the first try. Hung connections do not count (see
   * {@link STALE_HOLD_FACTOR}), so they cannot keep the others out.
   */
  holdAtCurrent(floor: number): void {
    this.#holdCap = Math.max(1, Math.floor(floor), this.#heldNow());
    this.#holdCredit = 0;
  }

  /**
   * Tracks a connect under way until the returned function is called. `resend` re-sends it if
   * its SYN was most likely dropped, and says whether it did.
   */
  track(resend: () => boolean): () => void {
    this.#underWay.add(resend);
    return () => {
      this.#underWay.delete(resend);
    };
  }

  /**
   * The provider let go of a connection of ours, answered `heldMs` after it began to carry the
   * request (undefined: it ended otherwise). Its listen queue has room for one more now, so the
   * oldest connect that was most likely dropped is re-sent at once, or else a waiting one starts.
   */
  released(heldMs: number | undefined): void {
    // Only answers say how long the provider queues a connection; a timeout says nothing of it.
    if (heldMs !== undefined) {
      this.#heldMs =
        this.#heldMs === undefined ? heldMs : this.#heldMs + (heldMs - this.#heldMs) / 8;
    }
    for (const resend of this.#underWay) if (resend()) return;
    this.#wake();
  }

  /**
   * A connect begun at `sentAt` had to be retried: its SYN was most likely dropped. Returns
   * whether this cut the cap (the first drop of a burst).
   */
  dropped(sentAt: number): boolean {
    this.#resent += 1;
    if (sentAt <= this.#cutAt) return false;
    this.#cap = Math.max(1, Math.floor(this.#active / 2));
    this.#slowStart = false;
    this.#credit = 0;
    this.#cutAt = this.#clock.now();
    return true;
  }

  /** A connect got through at its first try. */
  completed(): void {
    if (this.#holdCap !== Number.POSITIVE_INFINITY) {
      this.#holdCredit += 1;
      if (this.#holdCredit >= this.#holdCap) {
        this.#holdCredit = 0;
        this.#holdCap += 1;
      }
    }
    if (this.#slowStart) {
      this.#cap += 1;
      this.#wake();
      return;
    }
    this.#credit += 1;
    if (this.#credit >= this.#cap) {
      this.#credit = 0;
      this.#cap += 1;
      this.#wake();
    }
  }

  #heldNow(): number {
    return this.#held.heldWithin(this.#staleAfterMs());
  }

  #staleAfterMs(): number {
    return this.#heldMs === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(STALE_HOLD_MIN_MS, STALE_HOLD_FACTOR * this.#heldMs);
  }

  #room(): boolean {
    if (this.#active >= this.#cap) return false;
    return (
      this.#holdCap === Number.POSITIVE_INFINITY || this.#active + this.#heldNow() < this.#holdCap
    );
  }

  /**
   * Waiting on the hold: if the provider has stopped answering, no release wakes the waiting
   * connects, so look again once the connections held now would count as hung.
   */
  #lookAgainLater(): void {
    if (this.#recheck !== undefined || this.#holdCap === Number.POSITIVE_INFINITY) return;
    const after = this.#staleAfterMs();
    if (after === Number.POSITIVE_INFINITY) return;
    this.#recheck = this.#clock.setTimeout(() => {
      this.#recheck = undefined;
      this.#wake();
    }, after);
    this.#recheck.unref();
  }

  #wake(): void {
    while (this.#head < this.#queue.length && this.#room()) {
      const entry = this.#queue[this.#head];
      this.#queue[this.#head] = undefined;
      this.#head += 1;
      if (entry === undefined || entry.withdrawn) continue;
      this.#active += 1;
      entry.start();
    }
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else {
      this.#lookAgainLater();
    }
  }
}

function noop(): void {}
