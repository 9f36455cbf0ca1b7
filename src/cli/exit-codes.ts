import type { ErrorCode } from '../core/errors.ts';

/** Exit codes (docs/architecture.md §3); the only place that decides them. */
export const EXIT = {
  ok: 0,
  flagged: 1,
  usage: 2,
  /** The provider, or the history store, could not be used. */
  provider: 3,
  internal: 70,
  /** A one-shot command stopped by Ctrl-C: 128 + SIGINT, what shells expect. */
  interrupted: 130,
  /** A one-shot command stopped by SIGTERM: 128 + SIGTERM. */
  terminated: 143,
} as const;

/**
 * Exit code of a one-shot command (instances, services, health) stopped by a signal. Long-running
 * commands (monitor, serve, mock) treat a signal as the normal way to stop and exit 0 (docs/architecture.md §3).
 */
export function exitForSignal(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
}

/** Exit code for each kind of error. */
export const EXIT_FOR_ERROR: Record<ErrorCode, number> = {
  usage: EXIT.usage,
  config: EXIT.usage,
  input: EXIT.usage,
  'provider-unreachable': EXIT.provider,
  'provider-invalid': EXIT.provider,
  'server-unreachable': EXIT.provider,
  'store-unreachable': EXIT.provider,
  'store-refused': EXIT.provider,
};
