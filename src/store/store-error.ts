import { FleetmonError, isFleetmonError } from '../core/errors.ts';

/**
 * What a failed store operation means for the caller: `unreachable` and `full` pass (retry
 * later, keep buffering), `busy` is another writer holding SQLite's lock for a moment, `refused`
 * needs a person (credentials, a missing database, a schema from a newer fleetmon), and
 * `internal` is a bug.
 */
export type StoreFailureKind = 'unreachable' | 'full' | 'busy' | 'refused' | 'internal';

/** A classified failure: its kind and one line for people (never a password). */
export interface StoreFailure {
  readonly kind: StoreFailureKind;
  readonly message: string;
}

const PG_UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '53300', // too_many_connections
]);

const PG_REFUSED: Readonly<Record<string, string>> = {
  '28P01': 'password authentication failed',
  '28000': 'not authorized',
  '3D000': 'database does not exist',
  '42501': 'permission denied',
};

// SQLite primary result codes (the low byte of an extended code).
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_PERM = 3;
const SQLITE_NOTADB = 26;

/** Sorts a driver's error into a {@link StoreFailure}; `where` names the store for messages. */
export function classifyStoreError(err: unknown, where: string): StoreFailure {
  if (isFleetmonError(err)) {
    return {
      kind:
        err.code === 'store-refused'
          ? 'refused'
          : err.code === 'store-unreachable'
            ? 'unreachable'
            : 'internal',
      message: err.message,
    };
  }
  const e = (err ?? {}) as {
    code?: unknown;
    errcode?: unknown;
    errstr?: unknown;
    message?: unknown;
  };
  const message = typeof e.message === 'string' ? (e.message.split('\n')[0] ?? '') : String(err);
  if (e.code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number') {
    return classifySqlite(e.errcode & 0xff, String(e.errstr ?? message), where);
  }
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === '53100') return { kind: 'full', message: `${where}: disk full (${message})` };
  const refused = PG_REFUSED[code];
  if (refused !== undefined)
    return { kind: 'refused', message: `${where}: ${refused} (${message})` };
  if (
    PG_UNREACHABLE.has(code) ||
    code.startsWith('08') ||
    /connection terminated|timeout exceeded when trying to connect|connection timeout|Connection ended/i.test(
      message,
    )
  ) {
    return { kind: 'unreachable', message: `${where}: unreachable (${message || code})` };
  }
  return { kind: 'internal', message: `${where}: ${message}` };
}

function classifySqlite(primary: number, text: string, where: string): StoreFailure {
  switch (primary) {
    case SQLITE_FULL:
      return { kind: 'full', message: `${where}: disk full (${text})` };
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return { kind: 'busy', message: `${where}: locked by another process (${text})` };
    case SQLITE_IOERR:
      return {
        kind: 'unreachable',
        message: `${where}: cannot write to disk (${text}; is it full, or a file size limit reached?)`,
      };
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return { kind: 'refused', message: `${where}: cannot be opened for writing (${text})` };
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return {
        kind: 'refused',
        message: `${where}: not a fleetmon history file, or damaged (${text})`,
      };
    default:
      return { kind: 'internal', message: `${where}: ${text}` };
  }
}

/** The error a one-shot command exits with (3) for a failure, with the next thing to try. */
export function storeError(failure: StoreFailure, hint?: string): FleetmonError {
  return new FleetmonError(
    failure.kind === 'refused' ? 'store-refused' : 'store-unreachable',
    failure.message,
    hint ?? hintFor(failure.kind),
  );
}

function hintFor(kind: StoreFailureKind): string {
  switch (kind) {
    case 'refused':
      return 'check --store, FLEETMON_STORE or DATABASE_URL: user, password, database name and rights';
    case 'full':
      return 'free disk space, or shorten retention in the config file';
    default:
      return 'check that the database runs and is reachable at the address in --store, FLEETMON_STORE or DATABASE_URL';
  }
}

/** Runs `op`, turning any driver failure into the one-line error a command exits 3 with. */
export async function orStoreError<T>(where: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    const failure = classifyStoreError(err, where);
    if (failure.kind === 'internal' && !isFleetmonError(err)) throw err;
    throw isFleetmonError(err) ? err : storeError(failure);
  }
}
