import { open } from 'node:fs/promises';

// Reading the small files a user names (a config file, a secret): bounded, and failures in words.

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, not a file',
};

/** Why reading a file failed, in words (`no such file`), from the error `fs` threw. */
export function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return READ_ERRORS[code] ?? `cannot be read (${code || 'unknown error'})`;
}

/**
 * The file's bytes, or undefined when it holds more than `maxBytes` (so `/dev/zero` is not read
 * for ever). Reads in a loop: a pipe (`/dev/stdin`) hands over a piece at a time.
 * Throws what `fs` throws (see {@link readFailure}).
 */
export async function readSmallFile(path: string, maxBytes: number): Promise<Buffer | undefined> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let size = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, size, buffer.length - size, null);
      size += bytesRead;
      if (bytesRead === 0 || size === buffer.length) break;
    }
    return size > maxBytes ? undefined : buffer.subarray(0, size);
  } finally {
    await file.close();
  }
}
