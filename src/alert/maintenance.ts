import type { Labels } from '../core/alert-types.ts';
import type { MaintenanceWindow } from './compile.ts';
import { matchesAll } from './matchers.ts';

/** Days as the config names them, Monday first (the index is the day's number). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const WEEKDAY_INDEX: Readonly<Record<string, number>> = {
  Mon: 0,
  Tue: 1,
  Wed: 2,
  Thu: 3,
  Fri: 4,
  Sat: 5,
  Sun: 6,
};

/** Formatters are costly to build; one per time zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Weekday (0 = Monday) and minute of the day of `now` in `timezone`. */
export function localTime(now: number, timezone: string): { day: number; minute: number } {
  let format = formatters.get(timezone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timezone, format);
  }
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const part of format.formatToParts(now)) {
    if (part.type === 'weekday') day = WEEKDAY_INDEX[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day, minute: hour * 60 + minute };
}

/**
 * Whether `window` is open at `now`. A window whose end is before its start runs past midnight
 * and belongs to the day it starts on: `sat 23:00–02:00` is open early on Sunday too.
 */
export function isOpen(window: MaintenanceWindow, now: number): boolean {
  const { day, minute } = localTime(now, window.timezone);
  const { startMinute: start, endMinute: end, days } = window;
  if (start < end) return days.has(day) && minute >= start && minute < end;
  if (minute >= start) return days.has(day);
  return minute < end && days.has((day + 6) % 7);
}

/** The first open window that covers an alert with `labels`, if any. */
export function maintenanceFor(
  windows: readonly MaintenanceWindow[],
  labels: Labels,
  now: number,
): MaintenanceWindow | undefined {
  for (const window of windows) {
    if (matchesAll(window.matchers, labels) && isOpen(window, now)) return window;
  }
  return undefined;
}
