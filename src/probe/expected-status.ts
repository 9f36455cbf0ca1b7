/** The HTTP statuses a probe accepts, and how the user wrote them (for messages). */
export interface ExpectedStatus {
  readonly text: string;
  /** Inclusive ranges. */
  readonly ranges: readonly (readonly [number, number])[];
}

/** 2xx: what a probe expects unless told otherwise. */
export const ANY_SUCCESS: ExpectedStatus = { text: '2xx', ranges: [[200, 299]] };

/**
 * Reads `200`, `2xx`, `200-299` or a comma-separated list of them; `undefined` when the text is
 * none of these (or names a status outside 100–599).
 */
export function parseExpectedStatus(input: string): ExpectedStatus | undefined {
  const parts = input
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) return undefined;
  const ranges: [number, number][] = [];
  for (const part of parts) {
    const range = rangeOf(part.toLowerCase());
    if (range === undefined) return undefined;
    ranges.push(range);
  }
  return { text: parts.join(','), ranges };
}

function rangeOf(part: string): [number, number] | undefined {
  let m = /^([1-5])xx$/.exec(part);
  if (m !== null) {
    const base = Number(m[1]) * 100;
    return [base, base + 99];
  }
  m = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
  if (m === null) return undefined;
  const low = Number(m[1]);
  const high = Number(m[2] ?? m[1]);
  return low >= 100 && high <= 599 && low <= high ? [low, high] : undefined;
}

/** Whether `status` is one of the expected ones. */
export function statusMatches(expected: ExpectedStatus, status: number): boolean {
  return expected.ranges.some(([low, high]) => status >= low && status <= high);
}
