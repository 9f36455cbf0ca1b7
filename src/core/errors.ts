/**
 * Every failure a user can cause or meet, by kind. The CLI maps each code to an
 * exit code in one place (cli/exit-codes.ts); nothing else decides exit codes.
 */
export type ErrorCode =
  | 'usage' // a flag or argument is wrong
  | 'config' // a config file or environment value is wrong
  | 'input' // data handed to us is wrong (e.g. a stats body), at the edge
  | 'provider-unreachable' // the provider could not be reached at all
  | 'provider-invalid' // the provider answered, but nothing usable
  | 'server-unreachable' // a running `fleetmon serve` (--server) could not be reached or failed
  | 'store-unreachable' // the history store could not be reached (or its disk is full)
  | 'store-refused'; // the history store answered no: credentials, missing database, newer schema

/** Marks our errors; a registered symbol is the same in every copy of this module. */
const BRAND = Symbol.for('fleetmon.FleetmonError');

/** The one error type of fleetmon: a code, a one-line message, and a hint naming the next action. */
export class FleetmonError extends Error {
  override readonly name = 'FleetmonError';
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  /** The next action to take, e.g. a flag or env var to check. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message);
    this.code = code;
    this.hint = hint;
  }
}

/**
 * True for our own typed errors (as opposed to internal bugs). A brand check, not instanceof:
 * the lazily loaded bundles (dist/lazy/) carry their own copy of this class.
 */
export function isFleetmonError(err: unknown): err is FleetmonError {
  return typeof err === 'object' && err !== null && BRAND in err && err[BRAND] === true;
}
