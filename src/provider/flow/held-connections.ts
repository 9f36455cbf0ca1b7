import type { Clock } from '../../time/clock.ts';
import type { HeldCount } from './connect-pacer.ts';

/**
 * The connections the provider holds of ours now (connected, answer not yet read), with when
 * each began to carry its request, oldest first.
 */
export class HeldConnections implements HeldCount {
  readonly #clock: Clock;
  readonly #since = new Map<object, number>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** `connection` begins to carry a request. */
  add(connection: object): void {
    // Deleted first so that the map stays in order of the time each began.
    this.#since.delete(connection);
    this.#since.set(connection, this.#clock.now());
  }

  /**
   * `connection` carries nothing now. Returns how long it was held, or undefined when it was
   * not counted.
   */
  remove(connection: object): number | undefined {
    const since = this.#since.get(connection);
    if (since === undefined) return undefined;
    this.#since.delete(connection);
    return this.#clock.now() - since;
  }

  heldWithin(maxAgeMs: number): number {
    const since = this.#clock.now() - maxAgeMs;
    let held = this.#since.size;
    // Oldest first: usually the first one is recent enough and this is one step.
    for (const began of this.#since.values()) {
      if (began >= since) break;
      held--;
    }
    return held;
  }
}
