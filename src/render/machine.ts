/** A value a machine format can carry: `null` (and an absent optional) means unknown. */
export type FieldValue = string | number | null | undefined;

/** One row prepared for machine output, keys already in contract order. */
export type MachineRecord<K extends string> = Readonly<Record<K, FieldValue>>;

/** One pretty-printed JSON array (2-space indent) and a trailing newline; `[]` when empty. */
export function renderJson(records: readonly object[]): string {
  return `${JSON.stringify(records, null, 2)}\n`;
}

/** One compact JSON object per line, each ending in `\n`; nothing at all when empty. */
export function renderNdjson(records: readonly object[]): string {
  let out = '';
  for (const record of records) out += `${JSON.stringify(record)}\n`;
  return out;
}

/**
 * RFC 4180 CSV with a header row and LF line ends (what Unix tools expect; every
 * RFC 4180 reader we know accepts them). Unknown values are empty fields. A text cell
 * that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab
 * or a CR, and is not a plain number) gets a leading `'` and quotes, as OWASP advises
 * against CSV injection; `-o json` and `-o ndjson` carry every value exactly.
 */
export function renderCsv<K extends string>(
  fields: readonly K[],
  records: readonly MachineRecord<K>[],
): string {
  let out = `${fields.map(csvField).join(',')}\n`;
  for (const record of records) {
    out += `${fields.map((field) => csvField(record[field])).join(',')}\n`;
  }
  return out;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

function csvField(value: FieldValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const formula = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value);
  const text = formula ? `'${value}` : value;
  return formula || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
