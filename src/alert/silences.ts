import type { Labels, SilenceRow, SilenceState } from '../core/alert-types.ts';
import { formatDuration } from '../core/duration.ts';
import { formatMatcher, type Matcher, matchesAll, parseMatchers } from './matchers.ts';

/** A silence as the store keeps it: matchers in their text form. Times in epoch ms. */
export interface Silence {
  readonly id: string;
  /** Canonical matcher texts (`service="Payment"`). */
  readonly matchers: readonly string[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What a user asks for: matchers, and when (an end, or a duration from the start). */
export interface SilenceRequest {
  readonly matchers: readonly string[];
  /** Epoch ms; default now. */
  readonly startsAt?: number | undefined;
  readonly endsAt?: number | undefined;
  readonly durationMs?: number | undefined;
  readonly createdBy?: string | undefined;
  readonly comment: string;
}

/** Expired silences are listed this long, then forgotten. */
export const EXPIRED_RETENTION_MS = 24 * 3_600_000;
/** Silences kept at once (active, pending and recently expired). */
export const MAX_SILENCES = 1000;
const MAX_LENGTH_MS = 366 * 86_400_000;

/** Where a silence stands at `now`. */
export function silenceState(s: Silence, now: number): SilenceState {
  if (now < s.startsAt) return 'pending';
  return now < s.endsAt ? 'active' : 'expired';
}

/** The API's and CLI's row of a silence. */
export function silenceRow(s: Silence, now: number): SilenceRow {
  return {
    id: s.id,
    matchers: s.matchers,
    startsAt: new Date(s.startsAt).toISOString(),
    endsAt: new Date(s.endsAt).toISOString(),
    createdBy: s.createdBy,
    comment: s.comment,
    state: silenceState(s, now),
  };
}

/**
 * Checks a request and makes the silence, or returns one line saying what is wrong (the API
 * answers it with 400). As in Alertmanager, one matcher at least must not match an empty
 * label: `service=~".*"` alone would silence everything, by accident.
 */
export function makeSilence(request: SilenceRequest, id: string, now: number): Silence | string {
  if (request.matchers.length === 0)
    return 'a silence needs at least one matcher, e.g. service=Payment';
  const parsed = parseMatchers(request.matchers);
  if (typeof parsed === 'string') return parsed;
  if (parsed.every((m) => matchesAll([m], {}))) {
    return 'every matcher also matches alerts without that label; add one such as service=Payment';
  }
  const comment = request.comment.trim();
  if (comment === '') return 'a silence needs a comment saying why (--comment "deploy")';
  if (comment.length > 1000) return 'the comment is longer than 1000 characters';
  const createdBy = (request.createdBy ?? '').trim() || 'unknown';
  if (createdBy.length > 100) return 'createdBy is longer than 100 characters';
  const startsAt = request.startsAt ?? now;
  const endsAt =
    request.endsAt ??
    (request.durationMs === undefined ? undefined : startsAt + request.durationMs);
  if (endsAt === undefined) return 'a silence needs an end: a duration (--for 2h) or an end time';
  if (!Number.isFinite(startsAt) || !Number.isFinite(endsAt)) return 'start and end must be times';
  if (endsAt <= startsAt) {
    return `the end (${new Date(endsAt).toISOString()}) is not after the start (${new Date(startsAt).toISOString()})`;
  }
  if (endsAt <= now) return `the end (${new Date(endsAt).toISOString()}) has already passed`;
  if (endsAt - startsAt > MAX_LENGTH_MS) {
    return `a silence lasts at most ${formatDuration(MAX_LENGTH_MS)}; this one ${formatDuration(endsAt - startsAt)}`;
  }
  return {
    id,
    matchers: parsed.map(formatMatcher),
    startsAt,
    endsAt,
    createdBy,
    comment,
    createdAt: now,
    updatedAt: now,
  };
}

/** The silence ended now: a pending one never starts, an active one stops. */
export function expireSilence(s: Silence, now: number): Silence {
  const startsAt = Math.min(s.startsAt, now);
  return { ...s, startsAt, endsAt: now, updatedAt: now };
}

/** The silences in force, with their matchers compiled once; rebuilt when one changes. */
export class SilenceIndex {
  readonly #entries: readonly { silence: Silence; matchers: readonly Matcher[] }[];

  constructor(silences: readonly Silence[]) {
    this.#entries = silences.flatMap((silence) => {
      const matchers = parseMatchers(silence.matchers);
      return typeof matchers === 'string' ? [] : [{ silence, matchers }];
    });
  }

  /** Ids of the silences active at `now` that match `labels`. */
  silencing(labels: Labels, now: number): string[] {
    const ids: string[] = [];
    for (const { silence, matchers } of this.#entries) {
      if (now >= silence.startsAt && now < silence.endsAt && matchesAll(matchers, labels)) {
        ids.push(silence.id);
      }
    }
    return ids;
  }
}
