/** How often, and how many times, {@link eventually} looks. */
export interface Looks {
  /** Pause between two looks, so a child process or server gets on with its work; default 50. */
  readonly everyMs?: number;
  /** Looks before giving up; default 300 (about 15 s at the default pause). */
  readonly tries?: number;
}

/**
 * Resolves with the first value `check` gives that is not `undefined`: for integration and
 * end-to-end tests that wait for something another process does. The number of looks bounds a
 * hang (the test fails instead); nothing here measures how long the wait took.
 */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  looks: Looks = {},
): Promise<T> {
  const { everyMs = 50, tries = 300 } = looks;
  for (let look = 1; ; look++) {
    const value = await check();
    if (value !== undefined) return value;
    if (look >= tries) throw new Error(`${what} did not happen after ${tries} looks`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
