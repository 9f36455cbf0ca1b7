/** What went wrong below HTTP semantics, as a code for callers and a reason line for users. */
export type HttpErrorCode =
  | 'HTTP_INVALID'
  | 'HTTP_HEADERS_TOO_LARGE'
  | 'HTTP_SHORT_BODY'
  | 'HTTP_CLOSED_EARLY'
  | 'HTTP_CONNECT_TIMEOUT'
  | 'HTTP_CLIENT_CLOSED';

/** An error of fleetmon's HTTP client; its message is already the one line a user sees. */
export class HttpError extends Error {
  readonly code: HttpErrorCode;

  constructor(code: HttpErrorCode, message: string) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
  }
}
