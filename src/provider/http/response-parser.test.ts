import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HttpError } from './http-error.ts';
import { type ResponseHead, ResponseParser } from './response-parser.ts';

interface Parsed {
  heads: ResponseHead[];
  body: string;
  ended: boolean;
  reusable: boolean;
}

/** Feeds `pieces` in order (then a close when `close`), collecting what the parser reports. */
function parse(pieces: readonly (string | Buffer)[], close = false): Parsed {
  const out: Parsed = { heads: [], body: '', ended: false, reusable: false };
  const chunks: Buffer[] = [];
  const parser = new ResponseParser(
    {
      onHead: (head) => out.heads.push(head),
      onBody: (chunk) => chunks.push(Buffer.from(chunk)),
      onEnd: () => {
        out.ended = true;
      },
    },
    16 * 1024,
  );
  for (const piece of pieces)
    parser.feed(Buffer.isBuffer(piece) ? piece : Buffer.from(piece, 'latin1'));
  if (close) parser.finish();
  out.body = Buffer.concat(chunks).toString('utf8');
  out.reusable = parser.reusable;
  return out;
}

function failure(pieces: readonly string[], close = false): HttpError {
  try {
    parse(pieces, close);
  } catch (err) {
    assert.ok(err instanceof HttpError, String(err));
    return err;
  }
  assert.fail('expected the parser to refuse the response');
}

/** `text` cut at the given offsets. */
function cut(text: string, offsets: readonly number[]): string[] {
  const points = [...new Set(offsets.map((o) => o % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(text.slice(from, point));
    from = point;
  }
  pieces.push(text.slice(from));
  return pieces;
}

const STATS = '{"cpu": "61%", "memory": "4%", "service": "UserService"}';
const WITH_LENGTH = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${STATS.length}\r\n\r\n${STATS}`;
const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
  `${(20).toString(16)};ext=1\r\n${STATS.slice(0, 20)}\r\n` +
  `${(STATS.length - 20).toString(16).toUpperCase()}\r\n${STATS.slice(20)}\r\n` +
  '0\r\nX-Trailer: yes\r\n\r\n';

describe('ResponseParser', () => {
  it('reads a Content-Length response and keeps an HTTP/1.1 connection', () => {
    const parsed = parse([WITH_LENGTH]);
    assert.equal(parsed.heads[0]?.status, 200);
    assert.equal(parsed.heads[0]?.headers['content-type'], 'application/json');
    assert.equal(parsed.body, STATS);
    assert.equal(parsed.ended, true);
    assert.equal(parsed.reusable, true);
  });

  it('gives the same answer however the bytes are split', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(WITH_LENGTH, CHUNKED),
        fc.array(fc.nat(), { maxLength: 12 }),
        (text, offsets) => {
          const parsed = parse(cut(text, offsets));
          assert.equal(parsed.body, STATS);
          assert.equal(parsed.ended, true);
          assert.equal(parsed.heads.length, 1);
        },
      ),
    );
  });

  it('reads chunked bodies with extensions and trailers', () => {
    const parsed = parse([CHUNKED]);
    assert.equal(parsed.body, STATS);
    assert.equal(parsed.reusable, true);
  });

  it('reads a body delimited by the close and never reuses that connection', () => {
    const open = parse([`HTTP/1.0 200 OK\r\n\r\n${STATS}`]);
    assert.equal(open.ended, false);
    const closed = parse([`HTTP/1.0 200 OK\r\n\r\n${STATS}`], true);
    assert.equal(closed.body, STATS);
    assert.equal(closed.ended, true);
    assert.equal(closed.reusable, false);
  });

  it('keeps a connection only when the version and Connection header allow it', () => {
    const reuse = (head: string) => parse([`${head}\r\nContent-Length: 0\r\n\r\n`]).reusable;
    assert.equal(reuse('HTTP/1.1 200 OK'), true);
    assert.equal(reuse('HTTP/1.1 200 OK\r\nConnection: close'), false);
    assert.equal(reuse('HTTP/1.1 200 OK\r\nConnection: Upgrade, close'), false);
    assert.equal(reuse('HTTP/1.0 200 OK'), false);
    assert.equal(reuse('HTTP/1.0 200 OK\r\nConnection: keep-alive'), true);
    // Both framings at once: Transfer-Encoding wins and the connection must go (RFC 9112 §6.3).
    assert.equal(
      parse(['HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'])
        .reusable,
      false,
    );
  });

  it('expects no body after 204 and 304, and skips interim 1xx heads', () => {
    assert.equal(parse(['HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n']).ended, true);
    assert.equal(parse(['HTTP/1.1 304 Not Modified\r\n\r\n']).ended, true);
    const parsed = parse([`HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n${WITH_LENGTH}`]);
    assert.deepEqual(
      parsed.heads.map((h) => h.status),
      [200],
    );
    assert.equal(parsed.body, STATS);
  });

  it('accepts bare LF line ends, a status line without reason, and repeated equal lengths', () => {
    const parsed = parse([`HTTP/1.1 200\nContent-Length: 2, 2\n\n{}`]);
    assert.equal(parsed.heads[0]?.status, 200);
    assert.equal(parsed.body, '{}');
  });

  it('ends a bare-LF head at its first empty line even when CRLF CRLF follows in the body', () => {
    const parsed = parse(['HTTP/1.1 200 OK\nContent-Length: 4\n\n\r\n\r\n']);
    assert.equal(parsed.body, '\r\n\r\n');
    assert.equal(parsed.ended, true);
  });

  it('joins repeated header fields', () => {
    const parsed = parse(['HTTP/1.1 200 OK\r\nVary: a\r\nvary: b\r\nContent-Length: 0\r\n\r\n']);
    assert.equal(parsed.heads[0]?.headers.vary, 'a, b');
  });

  it('refuses malformed responses', () => {
    const cases: Array<[string, string]> = [
      ['SSH-2.0-OpenSSH\r\n\r\n', 'invalid HTTP response (malformed status line)'],
      ['HTTP/2 200 OK\r\n\r\n', 'invalid HTTP response (malformed status line)'],
      ['HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n', 'invalid HTTP response (folded header line)'],
      ['HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n', 'invalid HTTP response (malformed header line)'],
      [
        'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
        'invalid HTTP response (malformed Content-Length)',
      ],
      [
        'HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n',
        'invalid HTTP response (malformed Content-Length)',
      ],
      [
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
        'invalid HTTP response (malformed chunk size)',
      ],
      [
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n',
        'invalid HTTP response (chunk not followed by CRLF)',
      ],
      [
        'HTTP/1.1 101 Switching Protocols\r\n\r\n',
        'invalid HTTP response (unexpected 101 Switching Protocols)',
      ],
      [
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
        'invalid HTTP response (a transfer coding other than chunked, which was not asked for)',
      ],
      [
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n{}',
        'invalid HTTP response (a transfer coding other than chunked, which was not asked for)',
      ],
    ];
    for (const [text, message] of cases) {
      const err = failure([text]);
      assert.equal(err.code, 'HTTP_INVALID', text);
      assert.equal(err.message, message, text);
    }
  });

  it('hands back what follows the end of the response: the next answer on a pipelined connection', () => {
    const next = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    for (const first of [WITH_LENGTH, CHUNKED, 'HTTP/1.1 204 No Content\r\n\r\n']) {
      let ends = 0;
      const parser = new ResponseParser(
        { onHead: () => undefined, onBody: () => undefined, onEnd: () => ends++ },
        16 * 1024,
      );
      const split = first.length - 1;
      assert.equal(parser.feed(Buffer.from(first.slice(0, split), 'latin1')), undefined, first);
      const rest = parser.feed(Buffer.from(first.slice(split) + next, 'latin1'));
      assert.equal(rest?.toString('latin1'), next, first);
      assert.equal(ends, 1, first);
    }
  });

  it('refuses heads and trailers over the limit, even when they arrive slowly', () => {
    const big = `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(17 * 1024)}`;
    assert.equal(failure([big]).code, 'HTTP_HEADERS_TOO_LARGE');
    assert.equal(failure(cut(big, [10, 5000, 9000])).code, 'HTTP_HEADERS_TOO_LARGE');
    const trailer = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: ${'a'.repeat(17 * 1024)}`;
    assert.equal(failure([trailer]).message, 'response headers larger than 16 KiB');
  });

  it('refuses chunk framing that outweighs its data by more than the head limit', () => {
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    const tooMuch = 'invalid HTTP response (chunk framing far larger than the data it carries)';
    // The chunk bomb: 1-byte chunks, each with ~1 KB of chunk extension.
    const bomb = head + `1;x=${'a'.repeat(1000)}\r\n \r\n`.repeat(40);
    assert.equal(failure([bomb]).message, tooMuch);
    assert.equal(failure(cut(bomb, [100, 3000, 20_000])).message, tooMuch);
    // 1-byte chunks without extensions: five bytes of framing for every byte of data.
    assert.equal(failure([head + '1\r\n \r\n'.repeat(5000)]).message, tooMuch);
    // Extensions and trailers share one budget, each under its own limit.
    const ext = `1;x=${'a'.repeat(1000)}\r\n \r\n`.repeat(8);
    const trailers = `${head}${ext}0\r\n${`X: ${'t'.repeat(1000)}\r\n`.repeat(9)}`;
    assert.equal(failure([trailers]).message, tooMuch);
    // Small chunks with short extensions, as streaming servers write them, are fine.
    const fine = parse([`${head}${'14;n=1\r\n{"a":1,"b":2,"c":3 }\r\n'.repeat(2000)}0\r\n\r\n`]);
    assert.equal(fine.ended, true);
    assert.equal(fine.body.length, 40_000);
  });

  it('counts interim 1xx heads towards the head limit', () => {
    const interim = 'HTTP/1.1 100 Continue\r\n\r\n'.repeat(1000);
    assert.equal(failure([interim]).code, 'HTTP_HEADERS_TOO_LARGE');
    assert.equal(parse([`${'HTTP/1.1 100 Continue\r\n\r\n'.repeat(3)}${WITH_LENGTH}`]).body, STATS);
  });

  it('names what a close cut short', () => {
    assert.equal(
      failure([`HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n{`], true).code,
      'HTTP_SHORT_BODY',
    );
    assert.equal(failure(['HTTP/1.1 200 OK\r\nContent-Le'], true).code, 'HTTP_CLOSED_EARLY');
    assert.equal(failure([], true).message, 'connection closed before the response was complete');
    assert.equal(
      failure(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab'], true).code,
      'HTTP_CLOSED_EARLY',
    );
  });

  it('never throws anything but HttpError on arbitrary bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }),
        fc.boolean(),
        (parts, close) => {
          try {
            parse(
              parts.map((p) => Buffer.from(p)),
              close,
            );
          } catch (err) {
            assert.ok(err instanceof HttpError, String(err));
          }
        },
      ),
    );
  });
});
