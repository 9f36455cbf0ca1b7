import { HttpError } from './http-error.ts';

/** The part of a response head that callers act on. */
export interface ResponseHead {
  readonly status: number;
  /** Lower-cased names; repeated fields joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Where a parser delivers one response. */
export interface ResponseSink {
  onHead(head: ResponseHead): void;
  /** A slice of the body; only valid until the call returns unless copied or kept whole. */
  onBody(chunk: Buffer): void;
  onEnd(): void;
}

// Parser states (numbers rather than an enum: the code runs with type stripping).
/** Reading the head. */
const HEAD = 0;
/** Body of known length: `remaining` bytes left. */
const FIXED = 1;
/** Body until the connection closes. */
const UNTIL_CLOSE = 2;
const CHUNK_SIZE = 3;
const CHUNK_DATA = 4;
const CHUNK_DATA_END = 5;
const TRAILERS = 6;
const DONE = 7;

const CR = 0x0d;
const LF = 0x0a;
/** A chunk-size line longer than this (extensions included) is refused. */
const MAX_CHUNK_LINE = 1024;
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [^\0\r\n]*)?$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DIGITS = /^\d{1,15}$/;

/**
 * Incremental parser of one HTTP/1.x response to a GET (RFC 9112), fed whatever the socket
 * delivers. The body length follows §6.3: none for 204 and 304, chunked when that is the
 * transfer coding (any other is refused: a GET without TE asked for none), else Content-Length,
 * else until close. Interim 1xx heads are skipped. Heads over `maxHeadBytes` are refused, interim
 * heads counted in, and so are chunked bodies whose framing (size lines with their extensions,
 * line ends, trailers) outweighs their data by more than `maxHeadBytes`: the bytes read for a
 * response stay within what its head and body limits allow, however it is framed.
 * Throws {@link HttpError} on anything malformed; the connection must then be dropped.
 */
export class ResponseParser {
  readonly #sink: ResponseSink;
  readonly #maxHeadBytes: number;
  #state = HEAD;
  #pending: Buffer | null = null;
  #remaining = 0;
  #reusable = false;
  /** Bytes of the interim heads skipped so far. */
  #interimBytes = 0;
  #trailerBytes = 0;
  /** Bytes of chunked framing read so far, less the data it carried. */
  #framingExcess = 0;

  constructor(sink: ResponseSink, maxHeadBytes: number) {
    this.#sink = sink;
    this.#maxHeadBytes = maxHeadBytes;
  }

  /** Whether the response has been read to its end. */
  get done(): boolean {
    return this.#state === DONE;
  }

  /** After {@link done}: whether the connection may carry another request. */
  get reusable(): boolean {
    return this.#reusable;
  }

  /** Bytes of the body still to come when its length is known; infinite otherwise. */
  get bodyLeft(): number {
    return this.#state === FIXED ? this.#remaining : Number.POSITIVE_INFINITY;
  }

  /** Whether any byte of the response has arrived. */
  get started(): boolean {
    return this.#state !== HEAD || this.#pending !== null;
  }

  /**
   * Feeds bytes from the socket. Returns the bytes beyond the end of the response (the start of
   * the next one on a connection carrying pipelined requests), or undefined when none were left.
   */
  feed(data: Buffer): Buffer | undefined {
    let chunk = data;
    if (this.#pending !== null) {
      chunk = Buffer.concat([this.#pending, chunk]);
      this.#pending = null;
    }
    let at = 0;
    while (at < chunk.length) {
      switch (this.#state) {
        case HEAD:
          at = this.#head(chunk, at);
          if (at < 0) return undefined;
          break;
        case FIXED:
          at = this.#body(chunk, at);
          if (this.#remaining === 0) this.#end();
          break;
        case UNTIL_CLOSE:
          this.#sink.onBody(at === 0 ? chunk : chunk.subarray(at));
          return undefined;
        case CHUNK_SIZE:
        case TRAILERS:
        case CHUNK_DATA_END: {
          const eol = chunk.indexOf(LF, at);
          if (eol < 0) {
            this.#keep(chunk, at);
            return undefined;
          }
          this.#countFraming(eol + 1 - at);
          this.#line(lineText(chunk, at, eol));
          at = eol + 1;
          break;
        }
        case CHUNK_DATA: {
          const from = at;
          at = this.#body(chunk, at);
          this.#countFraming(from - at);
          if (this.#remaining === 0) this.#state = CHUNK_DATA_END;
          break;
        }
        case DONE:
          return chunk.subarray(at);
      }
    }
    return undefined;
  }

  /** The connection has closed: ends a body delimited by the close, else reports what was cut. */
  finish(): void {
    if (this.#state === DONE) return;
    if (this.#state === UNTIL_CLOSE) {
      this.#end();
      return;
    }
    if (this.#state === FIXED) {
      throw new HttpError('HTTP_SHORT_BODY', 'response shorter than its Content-Length');
    }
    throw new HttpError('HTTP_CLOSED_EARLY', 'connection closed before the response was complete');
  }

  /** Delivers up to `remaining` body bytes from `at`; returns where it stopped. */
  #body(chunk: Buffer, at: number): number {
    const take = Math.min(this.#remaining, chunk.length - at);
    this.#sink.onBody(chunk.subarray(at, at + take));
    this.#remaining -= take;
    return at + take;
  }

  /** Parses a head when complete; returns where the body starts, or -1 to wait for more bytes. */
  #head(chunk: Buffer, from: number): number {
    const end = headEnd(chunk, from);
    const room = this.#maxHeadBytes - this.#interimBytes;
    if (end < 0) {
      if (chunk.length - from > room) throw headersTooLarge(this.#maxHeadBytes);
      this.#keep(chunk, from);
      return -1;
    }
    if (end - from > room) throw headersTooLarge(this.#maxHeadBytes);
    // The head as text, without its final empty line; every line ends in LF (CR optional).
    const text = chunk.toString('latin1', from, chunk[end - 2] === CR ? end - 2 : end - 1);
    const firstLf = lineFeed(text, 0);
    const statusLine = STATUS_LINE.exec(text.slice(0, contentEnd(text, 0, firstLf)));
    if (statusLine === null) throw invalid('malformed status line');
    const status = Number(statusLine[2]);
    const headers = parseFields(text, firstLf + 1);
    if (status < 200) {
      // 101 would switch protocols, which a GET never asked for; other 1xx are interim.
      if (status === 101) throw invalid('unexpected 101 Switching Protocols');
      this.#interimBytes += end - from;
      return end;
    }
    this.#frame(statusLine[1] === '1', status, headers);
    this.#sink.onHead({ status, headers });
    if (this.#state === FIXED && this.#remaining === 0) this.#end();
    return end;
  }

  /** Chooses how the body is delimited and whether the connection stays usable (RFC 9112 §6.3, §9.3). */
  #frame(http11: boolean, status: number, headers: Record<string, string>): void {
    const connection = (headers.connection ?? '').toLowerCase();
    let persistent = http11 ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive');
    const codings = headers['transfer-encoding'];
    const length = headers['content-length'];
    if (status === 204 || status === 304) {
      this.#state = FIXED;
      this.#remaining = 0;
    } else if (codings !== undefined) {
      // With both, Transfer-Encoding wins and the connection must not be reused (§6.3 item 3).
      if (length !== undefined) persistent = false;
      // A request without TE accepts only chunked (RFC 9112 §7.4); any other coding would
      // leave a body fleetmon cannot decode, read as if it were plain.
      if (codings.trim().toLowerCase() !== 'chunked') {
        throw invalid('a transfer coding other than chunked, which was not asked for');
      }
      this.#state = CHUNK_SIZE;
    } else if (length !== undefined) {
      this.#state = FIXED;
      this.#remaining = parseContentLength(length);
    } else {
      this.#state = UNTIL_CLOSE;
      persistent = false;
    }
    this.#reusable = persistent;
  }

  /** Counts `bytes` of chunked framing (negative: data, which pays for framing). */
  #countFraming(bytes: number): void {
    this.#framingExcess += bytes;
    if (this.#framingExcess > this.#maxHeadBytes) {
      throw invalid('chunk framing far larger than the data it carries');
    }
  }

  #line(text: string): void {
    if (this.#state === CHUNK_DATA_END) {
      if (text !== '') throw invalid('chunk not followed by CRLF');
      this.#state = CHUNK_SIZE;
      return;
    }
    if (this.#state === TRAILERS) {
      this.#trailerBytes += text.length + 2;
      if (this.#trailerBytes > this.#maxHeadBytes) throw headersTooLarge(this.#maxHeadBytes);
      if (text === '') this.#end();
      return;
    }
    if (text.length > MAX_CHUNK_LINE) throw invalid('chunk size line too long');
    const semicolon = text.indexOf(';');
    const hex = (semicolon < 0 ? text : text.slice(0, semicolon)).trim();
    if (!/^[0-9A-Fa-f]{1,12}$/.test(hex)) throw invalid('malformed chunk size');
    const size = Number.parseInt(hex, 16);
    if (size === 0) {
      this.#state = TRAILERS;
    } else {
      this.#state = CHUNK_DATA;
      this.#remaining = size;
    }
  }

  #keep(chunk: Buffer, from: number): void {
    const rest = chunk.subarray(from);
    if (this.#state === TRAILERS) {
      if (this.#trailerBytes + rest.length > this.#maxHeadBytes) {
        throw headersTooLarge(this.#maxHeadBytes);
      }
    } else if (this.#state !== HEAD && rest.length > MAX_CHUNK_LINE + 2) {
      throw invalid('chunk size line too long');
    }
    // A copy: the socket may reuse the memory behind `chunk` once this call returns.
    this.#pending = Buffer.from(rest);
  }

  #end(): void {
    this.#state = DONE;
    this.#sink.onEnd();
  }
}

const CRLF_CRLF = Buffer.from('\r\n\r\n', 'latin1');
const LF_LF = Buffer.from('\n\n', 'latin1');
const LF_CR_LF = Buffer.from('\n\r\n', 'latin1');

/** Whether `\n\r\n` (an empty line) occurs before `end`, other than as part of the final CRLFCRLF. */
function hasLfCrLf(chunk: Buffer, from: number, end: number): boolean {
  const at = chunk.indexOf(LF_CR_LF, from);
  return at >= 0 && at < end;
}

/**
 * Where the head ends: the offset of its final empty line's LF plus one, i.e. where the body
 * starts, after `\r\n\r\n` or a bare `\n\n` from lax servers; -1 when not yet arrived.
 */
function headEnd(chunk: Buffer, from: number): number {
  const strict = chunk.indexOf(CRLF_CRLF, from);
  if (strict >= 0) {
    // An empty line ending in a bare LF earlier on would end the head there: rare, so checked
    // with two native scans rather than by walking every line.
    const lax = chunk.indexOf(LF_LF, from);
    if ((lax < 0 || lax > strict) && !hasLfCrLf(chunk, from, strict)) return strict + 4;
  }
  for (let at = chunk.indexOf(LF, from); at >= 0; at = chunk.indexOf(LF, at + 1)) {
    if (chunk[at + 1] === LF) return at + 2;
    if (chunk[at + 1] === CR && chunk[at + 2] === LF) return at + 3;
  }
  return -1;
}

// Lines are found with two numbers rather than an object per line: an object per header line
// was a visible share of the parser's garbage at 100k responses.

/** The LF ending the line that starts at `from`, or the text's length for a last line without one. */
function lineFeed(text: string, from: number): number {
  const lf = text.indexOf('\n', from);
  return lf < 0 ? text.length : lf;
}

/** Where the content of the line from `from` to its `lf` ends, a CR before the LF excluded. */
function contentEnd(text: string, from: number, lf: number): number {
  return lf > from && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
}

function parseFields(text: string, from: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let at = from; at < text.length; ) {
    const lf = lineFeed(text, at);
    const end = contentEnd(text, at, lf);
    if (end > at) {
      const first = text.charCodeAt(at);
      // Folded continuation lines are obsolete (RFC 9112 §5.2) and a known smuggling vector.
      if (first === 0x20 || first === 0x09) throw invalid('folded header line');
      const colon = text.indexOf(':', at);
      const key = fieldKey(colon > at && colon < end ? text.slice(at, colon) : '');
      const value = text.slice(colon + 1, end).trim();
      if (value.includes('\r') || value.includes('\0')) {
        throw invalid('control character in a header value');
      }
      const seen = headers[key];
      headers[key] = seen === undefined ? value : `${seen}, ${value}`;
    }
    at = lf + 1;
  }
  return headers;
}

// A provider sends the same few field names in every answer: each is checked and lower-cased
// once (a tenth of the parser's time at 100k responses). Bounded against hostile variety.
const FIELD_KEYS = new Map<string, string>();
const MAX_FIELD_KEYS = 256;

/** The lower-cased name of a header field; throws when it is not a token. */
function fieldKey(name: string): string {
  const known = FIELD_KEYS.get(name);
  if (known !== undefined) return known;
  if (!TOKEN.test(name)) throw invalid('malformed header line');
  const key = name.toLowerCase();
  if (FIELD_KEYS.size < MAX_FIELD_KEYS) FIELD_KEYS.set(name, key);
  return key;
}

/** A Content-Length, tolerating a repeated identical value (`5, 5`) as RFC 9112 §6.3 allows. */
function parseContentLength(value: string): number {
  if (DIGITS.test(value)) return Number(value);
  const parts = value.split(',').map((part) => part.trim());
  const first = parts[0] ?? '';
  if (!DIGITS.test(first) || parts.some((part) => part !== first)) {
    throw invalid('malformed Content-Length');
  }
  return Number(first);
}

function hasToken(list: string, token: string): boolean {
  if (list === token) return true;
  return list.includes(',') && list.split(',').some((part) => part.trim() === token);
}

function lineText(chunk: Buffer, from: number, eol: number): string {
  const end = eol > from && chunk[eol - 1] === CR ? eol - 1 : eol;
  return chunk.toString('latin1', from, end);
}

function invalid(detail: string): HttpError {
  return new HttpError('HTTP_INVALID', `invalid HTTP response (${detail})`);
}

function headersTooLarge(limit: number): HttpError {
  return new HttpError(
    'HTTP_HEADERS_TOO_LARGE',
    `response headers larger than ${Math.round(limit / 1024)} KiB`,
  );
}
