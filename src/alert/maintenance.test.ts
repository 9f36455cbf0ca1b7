import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOpen, maintenanceFor } from './maintenance.ts';
import { configOf } from './test-fixtures.test-helper.ts';

// 2026-01-05 is a Monday.
const at = (day: number, hh: number, mm = 0) => Date.UTC(2026, 0, 5 + day, hh, mm);

describe('maintenance windows', () => {
  it('opens on its days between start and end, in its time zone', () => {
    const [w] = configOf({}, [
      {
        name: 'deploys',
        days: ['tue', 'thu'],
        start: '02:00',
        end: '04:00',
        timezone: 'Europe/Berlin',
      },
    ]).maintenance;
    assert.ok(w);
    // Berlin is UTC+1 in January.
    assert.equal(isOpen(w, at(1, 1, 0)), true); // Tue 02:00 Berlin
    assert.equal(isOpen(w, at(1, 2, 59)), true);
    assert.equal(isOpen(w, at(1, 3, 0)), false); // Tue 04:00 Berlin: over
    assert.equal(isOpen(w, at(1, 0, 59)), false);
    assert.equal(isOpen(w, at(2, 1, 30)), false); // Wednesday
  });

  it('a window past midnight belongs to the day it starts on', () => {
    const [w] = configOf({}, [
      { name: 'night', days: ['sat'], start: '23:00', end: '02:00' },
    ]).maintenance;
    assert.ok(w);
    assert.equal(isOpen(w, at(5, 23, 30)), true); // Saturday night
    assert.equal(isOpen(w, at(6, 1, 30)), true); // early Sunday
    assert.equal(isOpen(w, at(6, 23, 30)), false); // Sunday night
    assert.equal(isOpen(w, at(0, 1, 30)), false); // early Monday
  });

  it('covers only the alerts it matches', () => {
    const { maintenance } = configOf({}, [
      { name: 'payments', match: ['service=Payment'], start: '00:00', end: '24:00' },
    ]);
    assert.equal(maintenanceFor(maintenance, { service: 'Payment' }, at(0, 12))?.name, 'payments');
    assert.equal(maintenanceFor(maintenance, { service: 'Search' }, at(0, 12)), undefined);
  });
});
