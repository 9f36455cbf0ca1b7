/** The few SGR attributes fleetmon uses; plain codes, so no terminal library is needed. */
export type Sgr = 'bold' | 'dim' | 'red' | 'green' | 'yellow';

const CODES: Readonly<Record<Sgr, number>> = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33 };

const ESC = '\u001b';
// CSI sequences only: that is all paint() emits, and all stripAnsi() needs to undo.
const CSI_PATTERN = new RegExp(`${ESC}\\[[0-9;?]*[ -/]*[@-~]`, 'g');

/** Wraps `text` in `sgr` and a full reset when colour is on; returns it unchanged otherwise. */
export function paint(text: string, sgr: Sgr | undefined, color: boolean): string {
  // An empty cell stays empty so trailing-space trimming and tests see nothing.
  if (!color || sgr === undefined || text === '') return text;
  return `${ESC}[${CODES[sgr]}m${text}${ESC}[0m`;
}

/** Removes escape sequences, leaving what the terminal would show. */
export function stripAnsi(text: string): string {
  return text.replace(CSI_PATTERN, '');
}
