import { checkConfigText, formatProblem, readText } from '../../config/config-file.ts';
import type { Io } from '../../tui/io.ts';
import { EXIT } from '../exit-codes.ts';

/**
 * `fleetmon config check FILE`: validates a config file as every command would read it, and
 * prints each problem as `file:line:column: …` (exit 2), or one line saying what it holds (exit 0).
 */
export async function checkConfigFile(io: Io, path: string): Promise<number> {
  const result = checkConfigText(await readText(path), path);
  if (!result.ok) {
    for (const problem of result.problems) io.stderr.write(`${formatProblem(path, problem)}\n`);
    const n = result.problems.length;
    io.stderr.write(`fleetmon: ${path}: ${n} problem${n === 1 ? '' : 's'}\n`);
    return EXIT.usage;
  }
  const { config } = result;
  // Sections that are lists (probes:) say how many entries they hold.
  const given = Object.entries(config.settings.values)
    .filter(([key]) => key !== '')
    .map(([key, value]) => (Array.isArray(value) ? `${key}: ${value.length}` : key));
  io.stdout.write(`${path}: ok (${given.length === 0 ? 'nothing set' : given.join(', ')})\n`);
  return EXIT.ok;
}
