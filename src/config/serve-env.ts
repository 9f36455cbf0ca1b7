// Secrets for `fleetmon serve` from the environment, where they stay out of `ps` and shell history.
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
