import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  expireSilence,
  makeSilence,
  type Silence,
  SilenceIndex,
  silenceState,
} from './silences.ts';

const NOW = Date.UTC(2026, 0, 5, 12);
const HOUR = 3_600_000;

const make = (request: Parameters<typeof makeSilence>[0]): Silence => {
  const s = makeSilence(request, 'id-1', NOW);
  if (typeof s === 'string') throw new Error(s);
  return s;
};

describe('silences', () => {
  it('runs from now for a duration, with matchers in canonical form', () => {
    const s = make({
      matchers: ['service=Payment'],
      durationMs: 2 * HOUR,
      comment: ' deploy ',
      createdBy: 'ana',
    });
    assert.deepEqual(
      { matchers: s.matchers, startsAt: s.startsAt, endsAt: s.endsAt, comment: s.comment },
      { matchers: ['service="Payment"'], startsAt: NOW, endsAt: NOW + 2 * HOUR, comment: 'deploy' },
    );
    assert.equal(silenceState(s, NOW), 'active');
    assert.equal(silenceState(s, NOW + 2 * HOUR), 'expired');
  });

  it('refuses what Alertmanager refuses, each with one line', () => {
    const bad = (request: Parameters<typeof makeSilence>[0]) =>
      String(makeSilence(request, 'x', NOW));
    assert.match(bad({ matchers: [], durationMs: HOUR, comment: 'c' }), /at least one matcher/);
    assert.match(
      bad({ matchers: ['service=~".*"'], durationMs: HOUR, comment: 'c' }),
      /also matches alerts without/,
    );
    assert.match(
      bad({ matchers: ['service=A'], durationMs: HOUR, comment: ' ' }),
      /needs a comment/,
    );
    assert.match(bad({ matchers: ['service=A'], comment: 'c' }), /needs an end/);
    assert.match(
      bad({ matchers: ['service=A'], startsAt: NOW + HOUR, endsAt: NOW + 1000, comment: 'c' }),
      /is not after the start/,
    );
    assert.match(
      bad({ matchers: ['service=A'], startsAt: NOW - 2 * HOUR, endsAt: NOW - HOUR, comment: 'c' }),
      /already passed/,
    );
    assert.match(
      bad({ matchers: ['service'], durationMs: HOUR, comment: 'c' }),
      /is not a matcher/,
    );
  });

  it('silences matching alerts only while active; expiring ends it now', () => {
    const later = make({
      matchers: ['service=Payment'],
      startsAt: NOW + HOUR,
      durationMs: HOUR,
      comment: 'c',
    });
    const index = new SilenceIndex([later]);
    const labels = { alertname: 'X', service: 'Payment' };
    assert.deepEqual(index.silencing(labels, NOW), []);
    assert.deepEqual(index.silencing(labels, NOW + HOUR), ['id-1']);
    assert.deepEqual(index.silencing({ ...labels, service: 'Search' }, NOW + HOUR), []);
    const expired = expireSilence(later, NOW);
    assert.equal(silenceState(expired, NOW), 'expired');
    assert.deepEqual(new SilenceIndex([expired]).silencing(labels, NOW + HOUR), []);
  });
});
