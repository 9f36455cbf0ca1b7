// The `Date` header (RFC 9110 §5.6.7): senders write IMF-fixdate; recipients must also read the
// obsolete RFC 850 and asctime forms. Anything else is not a date, however close.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC_850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/** Epoch ms of the second a `Date` header names; `undefined` when it is not an HTTP date. */
export function parseHttpDate(text: string): number | undefined {
  const value = text.trim();
  let m = IMF_FIXDATE.exec(value);
  if (m !== null) return utc(m[3], m[2], m[1], m[4], m[5], m[6]);
  m = RFC_850.exec(value);
  if (m !== null) {
    // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
    const yy = Number(m[3]);
    const year = yy + (yy < 70 ? 2000 : 1900);
    return utc(String(year), m[2], m[1], m[4], m[5], m[6]);
  }
  m = ASCTIME.exec(value);
  if (m !== null) return utc(m[6], m[1], m[2]?.trim(), m[3], m[4], m[5]);
  return undefined;
}

function utc(
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
): number | undefined {
  const y = Number(year);
  const mo = MONTHS.indexOf(month ?? '');
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  // 60 is a leap second; it is read as the next minute's first second.
  const s = Number(second);
  if (mo < 0 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 60) return undefined;
  return Date.UTC(y, mo, d, h, mi, s);
}

/** Days in month `month` (0-based) of `year`. */
export function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}
