import { readSecretFile } from '../../config/secret-file.ts';
import { serveAuthFromEnv } from '../../config/serve-env.ts';
import { FleetmonError } from '../../core/errors.ts';
import type { AuthConfig } from '../../server/auth.ts';

/** A secret and where it came from, for messages that name the source and never the value. */
interface Secret {
  readonly value: string;
  readonly source: string;
  readonly code: 'usage' | 'config';
}

/** What the command line and the environment say about one secret. */
interface SecretSources {
  readonly flag: string;
  readonly env: string;
  readonly flagValue: string | undefined;
  readonly flagFile: string | undefined;
  readonly envValue: string | undefined;
  readonly envFile: string | undefined;
}

/**
 * One secret from its flag or file flag, else its variable or file variable (flags win over the
 * environment). A value and a file from the same side at once is an error: which was meant?
 */
async function secretOf(s: SecretSources): Promise<Secret | undefined> {
  const sides = [
    { code: 'usage', name: s.flag, value: s.flagValue, file: s.flagFile },
    { code: 'config', name: s.env, value: s.envValue, file: s.envFile },
  ] as const;
  for (const { code, name, value, file } of sides) {
    const fileName = `${name}${code === 'usage' ? '-file' : '_FILE'}`;
    if (value !== undefined && file !== undefined) {
      throw new FleetmonError(code, `${name} and ${fileName} are both set`, 'keep one of them');
    }
    if (value !== undefined) return { value, source: name, code };
    if (file !== undefined) {
      return { value: await readSecretFile(file, fileName, code), source: fileName, code };
    }
  }
  return undefined;
}

/**
 * The credentials `serve` requires: `--auth-token[-file]` or `FLEETMON_AUTH_TOKEN[_FILE]`, and
 * `--basic-auth[-file]` or `FLEETMON_BASIC_AUTH[_FILE]`; both kinds may be set at once.
 */
export async function serveAuth(options: {
  readonly authToken?: string | undefined;
  readonly authTokenFile?: string | undefined;
  readonly basicAuth?: string | undefined;
  readonly basicAuthFile?: string | undefined;
}): Promise<AuthConfig> {
  const env = serveAuthFromEnv();
  const token = await secretOf({
    flag: '--auth-token',
    env: 'FLEETMON_AUTH_TOKEN',
    flagValue: options.authToken,
    flagFile: options.authTokenFile,
    envValue: env.token,
    envFile: env.tokenFile,
  });
  const basic = await secretOf({
    flag: '--basic-auth',
    env: 'FLEETMON_BASIC_AUTH',
    flagValue: options.basicAuth,
    flagFile: options.basicAuthFile,
    envValue: env.basic,
    envFile: env.basicFile,
  });
  if (token !== undefined && token.value.trim().length < 8) {
    throw new FleetmonError(
      token.code,
      `${token.source} is too short; expected at least 8 characters`,
      'generate one, e.g. openssl rand -hex 16',
    );
  }
  let userPassword: AuthConfig['basic'];
  if (basic !== undefined) {
    const colon = basic.value.indexOf(':');
    // Never echo the value: it holds a password.
    if (colon < 1 || colon === basic.value.length - 1) {
      throw new FleetmonError(
        basic.code,
        `${basic.source} is not valid; expected user:password with both parts non-empty`,
      );
    }
    userPassword = { user: basic.value.slice(0, colon), password: basic.value.slice(colon + 1) };
  }
  return { token: token?.value.trim(), basic: userPassword };
}
