import { COMMAND_OPTIONS } from '../config/command-options.ts';
import type { OptionDefs } from '../config/options.ts';
import { SETTING_OPTIONS } from '../config/settings.ts';
import { FleetmonError } from '../core/errors.ts';
import { escapeUnprintable } from '../core/printable.ts';

/**
 * The original utility's flags (`HOST:PORT --summary`, `-ss NAME`, `-hi N -hc`,
 * `-ms NAME`) rewritten into today's commands, so its users' muscle memory and
 * scripts keep working. Returns null when `argv` does not use them.
 */
export function translateLegacyArgs(argv: readonly string[]): string[] | null {
  const isLegacy = argv.some((arg) => LEGACY_FLAGS.has(arg));
  if (!isLegacy) {
    refuseBareAddress(argv);
    return null;
  }

  const rest: string[] = [];
  let action: string[] | null = null;
  let minHealthy: string | undefined;
  let healthCheck = false;
  let apiGiven = false;
  const setAction = (next: string[]) => {
    if (action !== null) {
      throw new FleetmonError(
        'usage',
        'give only one of --summary, --serviceStats, --healthCheck, --monitorService',
      );
    }
    action = next;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const takeValue = (): string => {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) {
        throw new FleetmonError(
          'usage',
          `${arg} needs a value`,
          'e.g. fleetmon HOST:PORT -ss UserService',
        );
      }
      i++;
      return value;
    };
    if (arg === '--summary' || arg === '-s') setAction(['instances']);
    else if (arg === '--serviceStats' || arg === '-ss') setAction(['services', takeValue()]);
    else if (arg === '--monitorService' || arg === '-ms') setAction(['monitor', takeValue()]);
    else if (arg === '--healthyInstances' || arg === '-hi') minHealthy = takeValue();
    else if (arg === '--healthCheck' || arg === '-hc') healthCheck = true;
    else if (!apiGiven && isAddressPosition(argv, i)) {
      apiGiven = true;
      rest.push('--api', arg);
    } else rest.push(arg);
  }
  if (healthCheck || minHealthy !== undefined) {
    setAction(minHealthy === undefined ? ['health'] : ['health', '--min-healthy', minHealthy]);
  }
  return [...(action ?? []), ...rest];
}

const LEGACY_FLAGS = new Set([
  '--summary',
  '-s',
  '--serviceStats',
  '-ss',
  '--healthyInstances',
  '-hi',
  '--healthCheck',
  '-hc',
  '--monitorService',
  '-ms',
]);

// Options of today's CLI that take a value: the word after them is never the provider address.
const VALUE_OPTIONS = new Set(
  [SETTING_OPTIONS, ...Object.values(COMMAND_OPTIONS)].flatMap((defs) =>
    Object.values(defs as OptionDefs).flatMap((def) =>
      def.kind === 'switch' ? [] : (def.flag.match(/--?[a-z][a-z0-9-]*/g) ?? []),
    ),
  ),
).add('--config');

// The original took the provider as a positional HOST:PORT (or URL); `demo` selects the embedded fleet.
function isAddressPosition(argv: readonly string[], i: number): boolean {
  const arg = argv[i] as string;
  const previous = argv[i - 1];
  if (arg.startsWith('-') || (previous !== undefined && VALUE_OPTIONS.has(previous))) return false;
  return arg.includes(':') || arg === 'demo';
}

/**
 * The original utility took `HOST:PORT` first; today that word alone is no command. Says what to
 * type instead of commander's bare "unknown command".
 */
function refuseBareAddress(argv: readonly string[]): void {
  const at = argv.findIndex(
    (_, i) => !argv[i]?.startsWith('-') && !VALUE_OPTIONS.has(argv[i - 1] ?? ''),
  );
  const word = argv[at];
  if (word === undefined || !isAddressPosition(argv, at)) return;
  const shown = escapeUnprintable(word);
  throw new FleetmonError(
    'usage',
    `"${shown}" is not a command`,
    `to scan that provider, pass --api ${shown} with a command (fleetmon --api ${shown} services), or add --summary for the original utility's form`,
  );
}
