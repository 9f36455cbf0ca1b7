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
 * RFC 4180 reader we know accepts them). Unknown values are empty fields.
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

function csvField(value: FieldValue): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
