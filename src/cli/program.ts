import { Command, Option } from 'commander';
import type { RawSettings } from '../config/settings.ts';
import { SERVERS_FAULTS } from '../mock/faults.ts';
import { OUTPUT_FORMATS } from '../render/options.ts';

/** Global options as commander hands them over: raw text, validated later in config/. */
export interface GlobalFlags {
  readonly api?: string;
  readonly output?: string;
  readonly color?: boolean;
  readonly concurrency?: string;
  readonly rate?: string;
  readonly timeout?: string;
  readonly retries?: string;
  readonly deadline?: string;
  readonly maxCpu?: string;
  readonly maxMemory?: string;
  readonly minHealthy?: string;
  readonly maxBody?: string;
  readonly maxInstances?: string;
  readonly headerTimeout?: string;
  readonly config?: string;
  readonly debug?: boolean;
  readonly stats?: boolean;
}

/** What the user asked for: a command, its arguments and options, and the global flags. */
export interface Invocation {
  readonly command: 'instances' | 'services' | 'health' | 'monitor' | 'mock' | 'serve';
  readonly args: readonly string[];
  readonly options: Readonly<Record<string, string | string[] | boolean | undefined>>;
  readonly globals: GlobalFlags;
}

/** The global flags that are shared settings, in the shape config/ resolves. */
export function settingsFromFlags(flags: GlobalFlags): RawSettings {
  const { api, output, concurrency, timeout, retries, deadline, maxCpu, maxMemory, minHealthy } =
    flags;
  const { maxBody, maxInstances, headerTimeout, rate } = flags;
  const raw: RawSettings = {
    rate,
    maxBody,
    maxInstances,
    headerTimeout,
    api,
    output,
    concurrency,
    timeout,
    retries,
    deadline,
    maxCpu,
    maxMemory,
    minHealthy,
  };
  for (const key of Object.keys(raw) as (keyof RawSettings)[]) {
    if (raw[key] === undefined) delete raw[key];
  }
  return raw;
}

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',')];

/**
 * Declares the command line. Commander only parses; every value is validated
 * by config/ and the command, so flags, env and config files share one set of rules.
 * The chosen command is handed to `onCommand` instead of running here, which
 * keeps heavy modules out of `--help` and `--version`.
 */
export function buildProgram(version: string, onCommand: (inv: Invocation) => void): Command {
  const program = new Command('fleetmon')
    .description(
      'See what runs on your CPX cloud provider, how loaded it is, and which services are short of healthy instances.',
    )
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option(
      '--api <address>',
      'provider as host:port, [ipv6]:port or URL; "demo" runs an embedded fleet (env FLEETMON_API)',
    )
    .addOption(
      new Option('-o, --output <format>', 'output format (env FLEETMON_OUTPUT)').choices(
        OUTPUT_FORMATS,
      ),
    )
    .option('--color', 'force colour')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option(
      '--concurrency <n>',
      'most requests in flight; fewer while the provider slows down (default 64)',
    )
    .option('--rate <n>', 'most requests per second to the provider (env FLEETMON_RATE)')
    .option('--timeout <duration>', 'per-request timeout, e.g. 500ms, 5s (default 5s)')
    .option('--retries <n>', 'retries on network errors, timeouts and 5xx (default 2)')
    .option('--deadline <duration>', 'deadline for a whole scan (default 2m)')
    .option('--max-cpu <percent>', 'an instance is healthy below this cpu (default 75)')
    .option('--max-memory <percent>', 'an instance is healthy below this memory (default 75)')
    .option('--min-healthy <n>', 'healthy instances a service needs to be ok (default 2)')
    .option('--max-body <size>', 'largest stats body accepted, e.g. 64KiB (default 1MiB)')
    .option(
      '--max-instances <n>',
      'most instances accepted from /servers; bounds memory (default 1000000)',
    )
    .option(
      '--header-timeout <duration>',
      'time allowed until response headers arrive (default: --timeout)',
    )
    .option('--config <file>', 'JSON config file (env FLEETMON_CONFIG)')
    .option(
      '--stats',
      'when done, one line on stderr: requests, retries, answer times, connections and the concurrency window',
    )
    .option('--debug', 'print stack traces of internal errors')
    .showSuggestionAfterError(true)
    .exitOverride();

  const dispatch = (command: Invocation['command']) =>
    function (this: Command, ...params: unknown[]) {
      const args = params
        .slice(0, -2)
        .flatMap((p) => (Array.isArray(p) ? p : p === undefined ? [] : [p]));
      onCommand({
        command,
        args: args as string[],
        options: this.opts(),
        globals: program.opts<GlobalFlags>(),
      });
    };

  program
    .command('instances')
    .description('every instance: ip, service, status, cpu, memory')
    .option(
      '--service <name>',
      'only instances of this service (repeatable, or comma-separated)',
      collect,
    )
    .option(
      '--status <status>',
      'only healthy, unhealthy or unreachable instances (repeatable)',
      collect,
    )
    .option(
      '--sort <field>',
      'sort by ip, service, status, cpu or memory; prefix - for descending',
      'ip',
    )
    .action(dispatch('instances'));

  program
    .command('services')
    .description('per service: instance counts, mean cpu and memory, ok or flagged')
    .argument('[name...]', 'only these services')
    .action(dispatch('services'));

  program
    .command('health')
    .description(
      'per service: healthy instances against --min-healthy; exits 1 when any service is flagged',
    )
    .action(dispatch('health'));

  program
    .command('monitor')
    .description(
      'follow every instance of a service over time, until Ctrl-C or q (a live view on a terminal)',
    )
    .argument('[service]', 'service to follow; on a terminal, omit it to see every service')
    .option('--interval <duration>', 'time between scans', '5s')
    .option('--count <n>', 'stop after this many scans')
    .option('--history <duration>', 'history the live view keeps in memory, e.g. 10m, 1h', '10m')
    .action(dispatch('monitor'));

  program
    .command('serve')
    .description('web dashboard, JSON API and Prometheus /metrics over a scan every --interval')
    .option(
      '--listen <host:port>',
      'address to serve on; beyond loopback needs --listen-public',
      '127.0.0.1:8080',
    )
    .option('--listen-public', 'allow a --listen address that other machines can reach')
    .option(
      '--allow-host <name>',
      'also answer requests whose Host is this name (repeatable; *.domain for its subdomains, * for any); loopback names always, and IP addresses with --listen-public (env FLEETMON_ALLOW_HOSTS)',
      collect,
    )
    .option('--interval <duration>', 'time between scans', '15s')
    .option(
      '--history <duration>',
      'chart history kept in memory (default 1h, or 2879 scans at short intervals)',
    )
    .option(
      '--max-streams <n>',
      'live streams (/api/v1/stream) open at once; more are answered 503 (default 100)',
    )
    .option(
      '--max-connections <n>',
      'connections open at once; more are closed unanswered (default 500)',
    )
    .option(
      '--auth-token <token>',
      'require "Authorization: Bearer <token>"; other users see flags in ps, so prefer FLEETMON_AUTH_TOKEN or --auth-token-file',
    )
    .option(
      '--auth-token-file <path>',
      'read the token from a file, e.g. a mounted secret (env FLEETMON_AUTH_TOKEN_FILE)',
    )
    .option(
      '--basic-auth <user:password>',
      'require HTTP basic auth, as browsers prompt for it; prefer FLEETMON_BASIC_AUTH or --basic-auth-file (flags show in ps)',
    )
    .option(
      '--basic-auth-file <path>',
      'read user:password from a file (env FLEETMON_BASIC_AUTH_FILE)',
    )
    .action(dispatch('serve'));

  program
    .command('mock')
    .description('run a CPX-compatible simulated provider')
    .option(
      '--host <address>',
      'address to listen on (default 127.0.0.1; :: is every interface, IPv6 and IPv4); beyond loopback needs --listen-public',
    )
    .option('--listen-public', 'allow a --host that other machines can reach')
    .option('--port <n>', 'port to listen on', '9001')
    .option('--instances <n>', 'fleet size', '150')
    .option('--seed <n>', 'same seed, same fleet', '1')
    .addOption(
      new Option('--model <model>', 'how values behave')
        .choices(['drift', 'uniform', 'fixed'])
        .default('drift'),
    )
    .option('--latency <ms>', 'added latency per response: 50ms or a range 20ms-80ms')
    .option(
      '--error-rate <rate>',
      'share of stats requests answered with HTTP 500, e.g. 0.2 or 20%',
    )
    .option('--malformed-rate <rate>', 'share answered with a malformed body')
    .option('--hang-rate <rate>', 'share never answered')
    .option('--drop-rate <rate>', 'share whose connection is dropped')
    .option('--throttle-rate <rate>', 'share answered 429 with Retry-After: 1')
    .option('--cut-rate <rate>', 'share whose connection is reset halfway through the body')
    .option('--trickle-rate <rate>', 'share answered one byte a second')
    .option('--flood-rate <rate>', 'share answered with a 50 MB body')
    .option('--vanish-rate <rate>', 'share answered 400 although listed (instance gone)')
    .addOption(
      new Option('--servers-fault <kind>', 'how /servers misbehaves').choices(SERVERS_FAULTS),
    )
    .option('--servers-fault-rate <rate>', 'share of /servers requests that misbehave (default 1)')
    .option('--servers-fault-after <n>', '/servers requests answered well before faults start')
    .option('--churn <rate>', 'share of instances replaced by others every --churn-interval')
    .option('--churn-interval <duration>', 'time between churn steps (default 1s)')
    .option('--http10', 'answer HTTP/1.0 and close after every response, like the original server')
    .option('--serial', 'handle one request at a time, like a single-threaded server')
    .option(
      '--backlog <n>',
      'listen backlog of a blocking server (the original: 5); excess connects are dropped',
    )
    .action(dispatch('mock'));

  program.addHelpText(
    'after',
    `
Examples:
  fleetmon --api demo instances             the embedded demo fleet
  fleetmon --api 10.0.0.5:9001 services -o json
  fleetmon --api demo health --min-healthy 3
  fleetmon --api demo monitor UserService --interval 2s
  fleetmon serve --api demo                 dashboard, API and /metrics on http://127.0.0.1:8080/
  fleetmon 127.0.0.1:9001 --summary         the original utility's flags still work

Exit codes: 0 ok, 1 health found flagged services, 2 bad usage or config, 3 provider unreachable or unusable,
130 / 143 a scan stopped by Ctrl-C / SIGTERM (monitor, serve and mock stop with 0).`,
  );
  return program;
}
