// Settings of `fleetmon serve` from the environment: secrets (where they stay out of `ps` and shell
// history) and the Host names it answers.
type Env = Readonly<Record<string, string | undefined>>;

/** `FLEETMON_AUTH_TOKEN` and `FLEETMON_BASIC_AUTH` (`user:password`) as given; empty counts as unset. */
export function serveAuthFromEnv(env: Env = process.env): {
  token: string | undefined;
  basic: string | undefined;
} {
  return {
    token: env.FLEETMON_AUTH_TOKEN || undefined,
    basic: env.FLEETMON_BASIC_AUTH || undefined,
  };
}

/** `FLEETMON_ALLOW_HOSTS`, comma-separated, as given; undefined when unset or empty. */
export function allowedHostsFromEnv(env: Env = process.env): string[] | undefined {
  const value = env.FLEETMON_ALLOW_HOSTS;
  return value ? value.split(',') : undefined;
}
