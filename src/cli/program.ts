import { Command } from 'commander';
import {
  COMMAND_OPTIONS,
  type CommandName,
  SILENCE_ADD_OPTIONS,
  SILENCE_LIST_OPTIONS,
} from '../config/command-options.ts';
import { helpText, type OptionDefs } from '../config/options.ts';
import { SETTING_OPTIONS } from '../config/settings.ts';

/** The flags that are not settings: where the config file is, colour, and stack traces. */
export interface GlobalFlags {
  readonly config?: string;
  readonly color?: boolean;
  readonly debug?: boolean;
}

/** A command fleetmon runs: one with options of its own, or one whose only inputs are arguments. */
export type CommandId =
  | CommandName
  | 'config-check'
  | 'store-info'
  | 'silence-add'
  | 'silence-list'
  | 'silence-expire';

/** What the user asked for: a command, its arguments and raw flags, and the global flags. */
export interface Invocation {
  readonly command: CommandId;
  readonly args: readonly string[];
  /** The command's flags as commander parsed them, by option key; validated by config/. */
  readonly flags: Readonly<Record<string, unknown>>;
  /** Every global flag as commander parsed it (the shared settings among them). */
  readonly globalFlags: Readonly<Record<string, unknown>>;
  readonly globals: GlobalFlags;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Declares a set of option definitions on a command; commander only collects their text. */
function addOptions(command: Command, defs: OptionDefs, section: string | undefined): void {
  for (const def of Object.values(defs)) {
    const help = helpText(def, section);
    if (def.kind === 'list') command.option(def.flag, help, collect);
    else command.option(def.flag, help);
  }
}

/**
 * Declares the command line from the option definitions in config/, so flags, environment and
 * config file share one set of names and rules. The chosen command is handed to `onCommand`
 * instead of running here, which keeps heavy modules out of `--help` and `--version`.
 */
export function buildProgram(version: string, onCommand: (inv: Invocation) => void): Command {
  const program = new Command('fleetmon')
    .description(
      'See what runs on your CPX cloud provider, how loaded it is, and which services are short of healthy instances.',
    )
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help');
  addOptions(program, SETTING_OPTIONS, undefined);
  program
    .option('--color', 'force colour')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('--config <file>', 'config file, YAML or JSON (env FLEETMON_CONFIG)')
    .option('--debug', 'print stack traces of internal errors')
    .showSuggestionAfterError(true)
    .exitOverride();

  const dispatch = (command: CommandId, target: Command) =>
    target.action((...params: unknown[]) => {
      const args = params
        .slice(0, -2)
        .flatMap((p) => (Array.isArray(p) ? p : p === undefined ? [] : [p]));
      onCommand({
        command,
        args: args as string[],
        flags: target.opts(),
        globalFlags: program.opts(),
        globals: program.opts<GlobalFlags>(),
      });
    });
  const declare = (name: CommandName, description: string) => {
    const command = program.command(name).description(description);
    addOptions(command, COMMAND_OPTIONS[name], name);
    return command;
  };

  dispatch('instances', declare('instances', 'every instance: ip, service, status, cpu, memory'));
  dispatch(
    'services',
    declare(
      'services',
      'per service: instance counts, mean cpu and memory, ok or flagged',
    ).argument('[name...]', 'only these services'),
  );
  dispatch(
    'health',
    declare(
      'health',
      'per service: healthy instances against --min-healthy; exits 1 when any service is flagged',
    ),
  );
  dispatch(
    'monitor',
    declare(
      'monitor',
      'follow every instance of a service over time, until Ctrl-C or q (a live view on a terminal)',
    ).argument('[service]', 'service to follow; on a terminal, omit it to see every service'),
  );
  dispatch(
    'serve',
    declare(
      'serve',
      'web dashboard, JSON API and Prometheus /metrics over a scan every --interval',
    ),
  );
  dispatch(
    'mock',
    declare('mock', 'run a CPX-compatible simulated provider (and a /now time service)'),
  );
  dispatch(
    'check',
    declare(
      'check',
      'probe HTTP endpoints once: up, status and latency, and with --clock the server clock offset ± its error; --timeout (5s) bounds each probe, clock requests included',
    ).argument(
      '[target...]',
      'URLs (host:port/path means http), or names of probes in the config file; none: every probe there',
    ),
  );
  dispatch(
    'alerts',
    declare(
      'alerts',
      'firing and pending alerts of a running serve (--server), or the rules evaluated once over a scan (--api); exits 1 when any fires',
    ),
  );
  const silence = program
    .command('silence')
    .description('hold the notifications of matching alerts on a running serve: add, list, expire');
  const silenceCommand = (name: string, description: string, defs: OptionDefs) => {
    const command = silence.command(name).description(description);
    addOptions(command, { ...COMMAND_OPTIONS.silence, ...defs }, 'silence');
    return command;
  };
  dispatch(
    'silence-add',
    silenceCommand(
      'add',
      'silence alerts matching every --match for --for (or until --until); needs --comment',
      SILENCE_ADD_OPTIONS,
    ),
  );
  dispatch(
    'silence-list',
    silenceCommand('list', 'active and pending silences', SILENCE_LIST_OPTIONS),
  );
  dispatch(
    'silence-expire',
    silenceCommand('expire', 'end a silence now', {}).argument('<id>', 'the silence, as listed'),
  );
  dispatch(
    'history',
    declare(
      'history',
      'what a service or an instance did: the series kept by serve (table with sparklines), or its transitions',
    ).argument('<service|ip>', 'a service name, or an instance IP'),
  );
  dispatch(
    'migrate',
    declare(
      'migrate',
      "bring the history store's schema up to this fleetmon (serve does it on start)",
    ),
  );
  const store = program.command('store').description('look at the history store');
  dispatch(
    'store-info',
    store
      .command('info')
      .description(
        'backend, schema version, size, rows per tier, oldest and newest sample, writer',
      ),
  );

  const config = program.command('config').description('work with the config file (YAML or JSON)');
  dispatch(
    'config-check',
    config
      .command('check')
      .description(
        'validate a config file without running anything; every problem as file:line:column',
      )
      .argument('<file>', 'the config file'),
  );

  program.addHelpText(
    'after',
    `
Every option can also be set in the environment (shown as "env") or in the config file:
shared settings at its top level, a command's options under the command's name (serve: {interval: 30s}).
Precedence: flag > environment > config file > default.

Examples:
  fleetmon --api demo instances             the embedded demo fleet
  fleetmon --api 10.0.0.5:9001 services -o json
  fleetmon --api demo health --min-healthy 3
  fleetmon --api demo monitor UserService --interval 2s
  fleetmon serve --api demo                 dashboard, API and /metrics on http://127.0.0.1:8080/
  fleetmon check https://example.com/health --max-latency 500ms
  fleetmon check 127.0.0.1:9001/now --max-skew 1s   is the clock within a second of ours?
  fleetmon history PaymentService --since 24h    what it did, from the history serve keeps
  fleetmon history 10.58.1.121 --events     an instance's status changes
  fleetmon alerts --server http://127.0.0.1:8080
  fleetmon silence add --server http://127.0.0.1:8080 --match service=PaymentService --for 2h --comment "deploy"
  fleetmon 127.0.0.1:9001 --summary         the original utility's flags still work

History is kept by serve in $XDG_STATE_HOME/fleetmon/history.db unless --store (FLEETMON_STORE,
DATABASE_URL, store:) names another file, a postgres:// URL, or memory.

Exit codes: 0 ok; 1 health found flagged services, check found a probe down, skewed or its clock
unreadable, or alerts found alerts firing; 2 bad usage or config; 3 provider, store (or serve)
unreachable or unusable, or no check target answered at all (DNS, connect, TLS or timeout for every one);
130 / 143 a scan stopped by Ctrl-C / SIGTERM (monitor, serve and mock stop with 0).`,
  );
  return program;
}
