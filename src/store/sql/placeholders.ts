/**
 * Rewrites `?` placeholders as PostgreSQL's `$1, $2, …`, leaving quoted text alone, so one SQL
 * string serves both dialects.
 */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const c of sql) {
    if (quote !== null) {
      if (c === quote) quote = null;
      out += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else if (c === '?') {
      n++;
      out += `$${n}`;
    } else {
      out += c;
    }
  }
  return out;
}
