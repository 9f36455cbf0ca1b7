import { STATUS_CODES } from 'node:http';

/** The JSON every error answer carries: the status code, its phrase, and what went wrong. */
export interface ErrorBody {
  readonly status: number;
  readonly error: string;
  readonly message: string;
}

/** An error body for `status`, e.g. `{status: 404, error: "Not Found", message: "…"}`. */
export function errorBody(status: number, message: string): ErrorBody {
  return { status, error: STATUS_CODES[status] ?? 'Error', message };
}
