/**
 * Summary and annotation templates: text with `{{ field }}` placeholders and nothing else (no
 * logic, so a template cannot fail at run time). Fields are checked when the config is read.
 */
export interface Template {
  readonly source: string;
  /** Literal text and field names, alternating: text, field, text, field, …, text. */
  readonly parts: readonly string[];
}

/** Values a template may show; numbers are printed with at most one decimal. */
export type TemplateValues = Readonly<Record<string, string | number | null | undefined>>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Compiles a template; returns one line about the problem when it does not parse. */
export function parseTemplate(source: string): Template | string {
  const parts: string[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    parts.push(source.slice(last, match.index), match[1] ?? '');
    last = match.index + match[0].length;
  }
  parts.push(source.slice(last));
  const stray = parts.findIndex((part, i) => i % 2 === 0 && /\{\{|\}\}/.test(part));
  if (stray >= 0) {
    return `"{{" or "}}" that is not a placeholder; write {{ field }} with a field name`;
  }
  return { source, parts };
}

/** The field names a template uses, in order of first use. */
export function fieldsOf(template: Template): string[] {
  return [...new Set(template.parts.filter((_, i) => i % 2 === 1))];
}

/** Fields of a template that are not among `known`; empty when it may be used. */
export function unknownFields(template: Template, known: ReadonlySet<string>): string[] {
  return fieldsOf(template).filter((field) => !known.has(field));
}

/** Fills a template; a field without a value shows as an empty string. */
export function renderTemplate(template: Template, values: TemplateValues): string {
  const { parts } = template;
  if (parts.length === 1) return parts[0] ?? '';
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    out += i % 2 === 0 ? part : show(values[part]);
  }
  return out;
}

function show(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(Math.round(value * 10) / 10);
  return value;
}
