import type { FieldParser } from '../config/fields.ts';
import { FleetmonError } from '../core/errors.ts';

/** Validates one command flag's text, throwing a usage error that names the flag and what is allowed. */
export function parseFlag<T>(flag: string, text: string, parse: FieldParser<T>): T {
  const parsed = parse(text);
  if (parsed.ok) return parsed.value;
  throw new FleetmonError(
    'usage',
    `${flag}: ${JSON.stringify(text)} is not valid; expected ${parsed.allowed}`,
  );
}

/** Like {@link parseFlag} for a flag that may be absent. */
export function parseOptionalFlag<T>(
  flag: string,
  text: string | undefined,
  parse: FieldParser<T>,
): T | undefined {
  return text === undefined ? undefined : parseFlag(flag, text, parse);
}
