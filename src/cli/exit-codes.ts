import type { ErrorCode } from '../core/errors.ts';

/** Exit codes of DESIGN §3; the only place that decides them. */
export const EXIT = {
  ok: 0,
  flagged: 1,
  usage: 2,
  provider: 3,
  internal: 70,
} as const;

/** Exit code for each kind of error. */
export const EXIT_FOR_ERROR: Record<ErrorCode, number> = {
  usage: EXIT.usage,
  config: EXIT.usage,
  input: EXIT.usage,
  'provider-unreachable': EXIT.provider,
  'provider-invalid': EXIT.provider,
};
