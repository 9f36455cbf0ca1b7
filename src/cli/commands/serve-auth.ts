import { bearerToken, type CommandOptions, userPassword } from '../../config/command-options.ts';
import type { FieldParser } from '../../config/fields.ts';
import { readSecretFile } from '../../config/secret-file.ts';
import { FleetmonError } from '../../core/errors.ts';
import { escapeUnprintable } from '../../core/printable.ts';
import type { AuthConfig } from '../../server/auth.ts';

/**
 * The credentials `serve` requires: a token and/or `user:password`, each given as a value
 * (`--auth-token`, `FLEETMON_AUTH_TOKEN`) or as a file that holds it (`--auth-token-file`,
 * `FLEETMON_AUTH_TOKEN_FILE`, as Docker and Kubernetes mount secrets). Both forms of one secret
 * at once is an error: which was meant? A secret is never echoed.
 */
export async function serveAuth(options: CommandOptions<'serve'>): Promise<AuthConfig> {
  return {
    token: await secret(options.authToken, options.authTokenFile, 'auth-token', bearerToken),
    basic: await secret(options.basicAuth, options.basicAuthFile, 'basic-auth', userPassword),
  };
}

async function secret<T>(
  value: T | undefined,
  file: string | undefined,
  name: string,
  parse: FieldParser<T>,
): Promise<T | undefined> {
  if (value !== undefined && file !== undefined) {
    throw new FleetmonError(
      'usage',
      `--${name} and --${name}-file (or their FLEETMON_ variables) are both given`,
      'keep one of them',
    );
  }
  if (file === undefined) return value;
  const parsed = parse(await readSecretFile(file, `--${name}-file`, 'config'));
  if (parsed.ok) return parsed.value;
  throw new FleetmonError(
    'config',
    escapeUnprintable(
      `--${name}-file ${file}: what it holds ${parsed.problem ?? 'is not valid'}; expected ${parsed.allowed}`,
    ),
  );
}
