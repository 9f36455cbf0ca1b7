/**
 * Bounded categories for `fleetmon_scan_errors_total{reason}`: the raw one-line
 * errors carry IPs and numbers, and as label values would grow without limit.
 */
export const SCAN_ERROR_REASONS = [
  'timeout',
  'deadline',
  'http_status',
  'connection',
  'invalid_response',
  'list_failed',
  'internal',
  'other',
] as const;

/** One of {@link SCAN_ERROR_REASONS}. */
export type ScanErrorReason = (typeof SCAN_ERROR_REASONS)[number];

const RULES: readonly [RegExp, ScanErrorReason][] = [
  [/^scan deadline/i, 'deadline'],
  [/timeout|timed out/i, 'timeout'],
  [/^HTTP \d{3}/, 'http_status'],
  [/^internal error/i, 'internal'],
  [/connection|refused|reset|unreachable|host|network|address|closed|socket/i, 'connection'],
  [
    /not a|invalid|malformed|missing|expected|JSON|body|too large|percent|unexpected/i,
    'invalid_response',
  ],
];

/** The category of an unreachable instance's error text. */
export function reasonOf(error: string): ScanErrorReason {
  for (const [pattern, reason] of RULES) if (pattern.test(error)) return reason;
  return 'other';
}
