import { FleetmonError } from '../core/errors.ts';
import { escapeUnprintable } from '../core/printable.ts';
import { readFailure, readSmallFile } from './small-file.ts';

/** More than any token or `user:password` line. */
const MAX_SECRET_BYTES = 64 * 1024;

/**
 * Reads a secret (a token, `user:password`) from a file, the way Docker and Kubernetes mount
 * secrets: the whole file, less its trailing line ends. Never echoes what the file holds.
 * `source` names where the path came from (`--auth-token-file`), `code` the error's kind.
 */
export async function readSecretFile(
  path: string,
  source: string,
  code: 'usage' | 'config',
): Promise<string> {
  const fail = (reason: string) =>
    new FleetmonError(code, escapeUnprintable(`${source} ${path}: ${reason}`));
  let bytes: Buffer | undefined;
  try {
    bytes = await readSmallFile(path, MAX_SECRET_BYTES);
  } catch (err) {
    throw fail(readFailure(err));
  }
  if (bytes === undefined) throw fail('larger than 64 KiB, too large for a secret');
  const secret = bytes.toString('utf8').replace(/[\r\n]+$/, '');
  if (secret === '') throw fail('is empty');
  return secret;
}
