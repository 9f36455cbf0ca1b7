import { type JsonPath, parseJsonPath, valueAt } from './json-path.ts';

/** A scalar a JSON value is compared with. */
export type JsonScalar = string | number | boolean | null;

/** What a probe asserts about the answer's body. */
export type BodyAssertion =
  | {
      readonly kind: 'json';
      /** As the user wrote it, for messages. */
      readonly path: string;
      readonly steps: JsonPath;
      /** Without it, the value only has to exist. */
      readonly equals?: JsonScalar;
    }
  | { readonly kind: 'regex'; readonly pattern: string; readonly regex: RegExp };

/** A JSON assertion, or why the path does not parse. */
export function jsonAssertion(
  path: string,
  equals?: JsonScalar,
): { ok: true; value: BodyAssertion } | { ok: false; problem: string } {
  const steps = parseJsonPath(path);
  if (steps === undefined) {
    return {
      ok: false,
      problem: `"${path}" is not a JSON path such as $.status or checks[0].name`,
    };
  }
  return {
    ok: true,
    value: { kind: 'json', path, steps, ...(equals === undefined ? {} : { equals }) },
  };
}

/** A regex assertion, or why the pattern does not compile. */
export function regexAssertion(
  pattern: string,
): { ok: true; value: BodyAssertion } | { ok: false; problem: string } {
  try {
    return { ok: true, value: { kind: 'regex', pattern, regex: new RegExp(pattern, 'u') } };
  } catch (err) {
    return {
      ok: false,
      problem: `/${pattern}/ is not a regular expression: ${(err as Error).message}`,
    };
  }
}

/** Why `body` fails the assertion, in one line; `undefined` when it passes. */
export function checkBody(assertion: BodyAssertion, body: string): string | undefined {
  if (assertion.kind === 'regex') {
    return assertion.regex.test(body) ? undefined : `body does not match /${assertion.pattern}/`;
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return `body is not JSON, so ${assertion.path} cannot be read`;
  }
  const found = valueAt(json, assertion.steps);
  if (!found.found) return `no value at ${assertion.path} in the body`;
  if (assertion.equals === undefined || found.value === assertion.equals) return undefined;
  return `${assertion.path} is ${shown(found.value)}, expected ${shown(assertion.equals)}`;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
