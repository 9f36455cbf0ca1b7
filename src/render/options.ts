import type { HealthRules } from '../core/types.ts';

/** Every value `-o, --output` accepts, in the order `--help` lists them. */
export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'ndjson', 'csv'] as const;

/** An output format: two human tables, three machine formats. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** What every render function needs besides the rows; resolved once by the CLI. */
export interface RenderOptions {
  readonly format: OutputFormat;
  /** Emit SGR escapes in human tables; machine formats ignore it. */
  readonly color: boolean;
  /** The rules in force, stated in every table footer. */
  readonly rules: HealthRules;
  /** Terminal columns; `undefined` when piped, and then nothing is truncated. */
  readonly width?: number | undefined;
}

/** True when `value` names an output format (for validating user input). */
export function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}
