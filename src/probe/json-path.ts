// A small JSON path: `$.status`, `checks[0].name`, `$["odd key"]`. Enough to point at one value;
// filters and wildcards (full JSONPath) would need a library, and a probe asserts one value.

/** The steps of a path: object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

const STEP = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[(["'])((?:\\.|(?!\3).)*)\3\])/;

/** Parses a path; `undefined` when it is not one. A leading `$` is optional. */
export function parseJsonPath(text: string): JsonPath | undefined {
  let rest = text.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  else if (/^[A-Za-z_]/.test(rest)) rest = `.${rest}`;
  const steps: (string | number)[] = [];
  while (rest !== '') {
    const m = STEP.exec(rest);
    if (m === null) return undefined;
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push((m[4] ?? '').replace(/\\(.)/g, '$1'));
    rest = rest.slice(m[0].length);
  }
  return steps;
}

/** The value at `path`, or `{found: false}` when some step does not exist. */
export function valueAt(
  root: unknown,
  path: JsonPath,
): { found: true; value: unknown } | { found: false } {
  let node = root;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(node) || step >= node.length) return { found: false };
      node = node[step];
    } else {
      if (
        node === null ||
        typeof node !== 'object' ||
        Array.isArray(node) ||
        !Object.hasOwn(node, step)
      ) {
        return { found: false };
      }
      node = (node as Record<string, unknown>)[step];
    }
  }
  return { found: true, value: node };
}
