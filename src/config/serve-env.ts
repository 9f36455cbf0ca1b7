// Settings of `fleetmon serve` from the environment: secrets (where they stay out of `ps` and shell
// history) and the Host names it answers.
type Env = Readonly<Record<string, string | undefined>>;

/**
 * `FLEETMON_AUTH_TOKEN` and `FLEETMON_BASIC_AUTH` (`user:password`) as given, and the
 * `…_FILE` forms naming files that hold them (Docker and Kubernetes secrets); empty counts as unset.
 */
export function serveAuthFromEnv(env: Env = process.env): {
  token: string | undefined;
  tokenFile: string | undefined;
  basic: string | undefined;
  basicFile: string | undefined;
} {
  return {
    token: env.FLEETMON_AUTH_TOKEN || undefined,
    tokenFile: env.FLEETMON_AUTH_TOKEN_FILE || undefined,
    basic: env.FLEETMON_BASIC_AUTH || undefined,
    basicFile: env.FLEETMON_BASIC_AUTH_FILE || undefined,
  };
}

/** `FLEETMON_ALLOW_HOSTS`, comma-separated, as given; undefined when unset or empty. */
export function allowedHostsFromEnv(env: Env = process.env): string[] | undefined {
  const value = env.FLEETMON_ALLOW_HOSTS;
  return value ? value.split(',') : undefined;
}
