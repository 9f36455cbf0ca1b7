import { randomUUID } from 'node:crypto';
import type { Labels, SilenceRow, SilenceState } from '../core/alert-types.ts';
import {
  EXPIRED_RETENTION_MS,
  expireSilence,
  MAX_SILENCES,
  makeSilence,
  type Silence,
  SilenceIndex,
  type SilenceRequest,
  silenceRow,
  silenceState,
} from './silences.ts';
import type { SilenceStore } from './store.ts';

/**
 * The silences in force, kept in the store and indexed for matching: what `serve` adds, expires,
 * lists and purges. `changed` is called after every change, so held notifications are looked at
 * again at once.
 */
export class SilenceBook {
  readonly #store: SilenceStore;
  readonly #changed: () => void;
  readonly #newId: () => string;
  #silences: readonly Silence[] = [];
  #index = new SilenceIndex([]);

  constructor(store: SilenceStore, changed: () => void, newId: () => string = randomUUID) {
    this.#store = store;
    this.#changed = changed;
    this.#newId = newId;
  }

  /** Reads the silences kept from before a restart. */
  async load(): Promise<void> {
    this.#set(await this.#store.loadSilences());
  }

  /** Reads them again (another replica may have changed them); tells of a change only. */
  async refresh(): Promise<void> {
    const silences = await this.#store.loadSilences();
    if (sameSilences(silences, this.#silences)) return;
    this.#set(silences);
  }

  /** Ids of the silences active at `now` that match `labels`. */
  silencing(labels: Labels, now: number): string[] {
    return this.#index.silencing(labels, now);
  }

  /** Rows of the silences in `states`, the soonest to end first. */
  rows(states: readonly SilenceState[], now: number): SilenceRow[] {
    return this.#silences
      .filter((s) => states.includes(silenceState(s, now)))
      .sort((a, b) => a.endsAt - b.endsAt)
      .map((s) => silenceRow(s, now));
  }

  /** Makes and keeps a silence; a string says what is wrong with the request. */
  async add(request: SilenceRequest, now: number): Promise<Silence | string> {
    if (this.#silences.length >= MAX_SILENCES) {
      return `${MAX_SILENCES} silences are kept already; expire some first (fleetmon silence list)`;
    }
    const silence = makeSilence(request, this.#newId(), now);
    if (typeof silence === 'string') return silence;
    await this.#store.saveSilence(silence);
    this.#set([...this.#silences, silence]);
    return silence;
  }

  /** Ends a silence now. */
  async expire(id: string, now: number): Promise<Silence | 'unknown' | 'expired'> {
    const found = this.#silences.find((s) => s.id === id);
    if (found === undefined) return 'unknown';
    if (silenceState(found, now) === 'expired') return 'expired';
    const expired = expireSilence(found, now);
    await this.#store.saveSilence(expired);
    this.#set(this.#silences.map((s) => (s.id === id ? expired : s)));
    return expired;
  }

  /** Forgets silences that ended more than a day ago. */
  async purge(now: number): Promise<void> {
    const old = this.#silences.filter((s) => now - s.endsAt > EXPIRED_RETENTION_MS);
    if (old.length === 0) return;
    await this.#store.deleteSilences(old.map((s) => s.id));
    this.#set(this.#silences.filter((s) => !old.includes(s)));
  }

  /** How many silences are in each state. */
  counts(now: number): Record<SilenceState, number> {
    const counts: Record<SilenceState, number> = { pending: 0, active: 0, expired: 0 };
    for (const s of this.#silences) counts[silenceState(s, now)]++;
    return counts;
  }

  #set(silences: readonly Silence[]): void {
    this.#silences = silences;
    this.#index = new SilenceIndex(silences);
    this.#changed();
  }
}

function sameSilences(a: readonly Silence[], b: readonly Silence[]): boolean {
  const key = (list: readonly Silence[]) =>
    JSON.stringify([...list].sort((x, y) => x.id.localeCompare(y.id)));
  return a.length === b.length && key(a) === key(b);
}
