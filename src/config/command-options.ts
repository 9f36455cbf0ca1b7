import { SORT_FIELDS, type SortSpec } from '../core/instances.ts';
import type { InstanceStatus } from '../core/types.ts';
import { SERVERS_FAULTS } from '../mock/faults.ts';
import { listenAddress } from '../server/listen-address.ts';
import {
  bytes,
  duration,
  type FieldParser,
  historyStep,
  integer,
  oneOf,
  rate,
  text,
  timePoint,
} from './fields.ts';
import { list, type OptionDefs, type Resolved, toggle, value } from './options.ts';

// Each command's options, defined once: commander declares them from here, and each resolves
// flag > FLEETMON_<COMMAND>_<OPTION> > the command's section of the config file > default.

const STATUSES: readonly InstanceStatus[] = ['healthy', 'unhealthy', 'unreachable'];

/** `--sort cpu` ascending, `--sort -cpu` descending. */
const sortSpec: FieldParser<SortSpec> = (input) => {
  const trimmed = input.trim();
  const descending = trimmed.startsWith('-');
  const field = oneOf(SORT_FIELDS)(descending ? trimmed.slice(1) : trimmed);
  return field.ok
    ? { ok: true, value: { field: field.value, descending } }
    : { ok: false, allowed: `${field.allowed}, prefixed with - for descending` };
};

/** `50ms` or a range `20ms-80ms`. */
const latencyRange: FieldParser<{ min: number; max: number }> = (input) => {
  const [low = '', high] = input.split('-');
  const parse = duration(0, 600_000);
  const min = parse(low);
  const max = high === undefined ? min : parse(high);
  return min.ok && max.ok && max.value >= min.value
    ? { ok: true, value: { min: min.value, max: max.value } }
    : { ok: false, allowed: 'a duration such as 50ms or a range 20ms-80ms' };
};

/** A bearer token long enough not to be guessed. */
const bearerToken: FieldParser<string> = (input) =>
  input.trim().length >= 8
    ? { ok: true, value: input.trim() }
    : {
        ok: false,
        problem: 'is too short',
        allowed: 'at least 8 characters, e.g. openssl rand -hex 16',
      };

/** `user:password`, both parts non-empty. */
const userPassword: FieldParser<{ user: string; password: string }> = (input) => {
  const colon = input.indexOf(':');
  return colon < 1 || colon === input.length - 1
    ? { ok: false, allowed: 'user:password with both parts non-empty' }
    : { ok: true, value: { user: input.slice(0, colon), password: input.slice(colon + 1) } };
};

const instances = {
  service: list('--service <name>', 'only instances of this service (repeatable)', text),
  status: list(
    '--status <status>',
    'only healthy, unhealthy or unreachable instances (repeatable)',
    oneOf(STATUSES),
  ),
  sort: value(
    '--sort <field>',
    'sort by ip, service, status, cpu or memory; prefix - for descending',
    sortSpec,
    { default: { field: 'ip', descending: false }, defaultText: 'ip' },
  ),
} as const satisfies OptionDefs;

const monitor = {
  interval: value('--interval <duration>', 'time between scans', duration(100, 86_400_000), {
    default: 5000,
    defaultText: '5s',
  }),
  count: value('--count <n>', 'stop after this many scans', integer(1, 1_000_000_000)),
  history: value(
    '--history <duration>',
    'history the live view keeps in memory, e.g. 10m, 1h',
    duration(1000, 7 * 86_400_000),
    { default: 600_000, defaultText: '10m' },
  ),
} as const satisfies OptionDefs;

const serve = {
  listen: value(
    '--listen <host:port>',
    'address to serve on; beyond loopback needs --listen-public',
    listenAddress,
    { default: { host: '127.0.0.1', port: 8080, loopback: true }, defaultText: '127.0.0.1:8080' },
  ),
  listenPublic: toggle('--listen-public', 'allow a --listen address that other machines can reach'),
  interval: value('--interval <duration>', 'time between scans', duration(500, 86_400_000), {
    default: 15_000,
    defaultText: '15s',
  }),
  history: value(
    '--history <duration>',
    'with --store memory: history kept in memory',
    duration(1000, 7 * 86_400_000),
    { defaultText: '1h, or 2879 scans at short intervals' },
  ),
  storeBuffer: value(
    '--store-buffer <size>',
    'most memory for scans waiting while the history store is down; beyond it the oldest are dropped',
    bytes(1024 * 1024, 16 * 1024 ** 3),
    { default: 64 * 1024 ** 2, defaultText: '64MiB' },
  ),
  // Secrets: never in the config file, and safer in the environment than on a command line,
  // which `ps` shows to every user of the machine.
  authToken: value(
    '--auth-token <token>',
    'require "Authorization: Bearer <token>"; the environment variable keeps it out of ps',
    bearerToken,
    { env: 'FLEETMON_AUTH_TOKEN', file: false },
  ),
  basicAuth: value(
    '--basic-auth <user:password>',
    'require HTTP basic auth, as browsers prompt for it; the environment variable keeps it out of ps',
    userPassword,
    { env: 'FLEETMON_BASIC_AUTH', file: false },
  ),
} as const satisfies OptionDefs;

const faultRate = (what: string, help: string) =>
  value(`--${what}-rate <rate>`, help, rate, { default: 0 });

const mock = {
  host: value('--host <address>', 'address to listen on (:: for both IPv6 and IPv4)', text),
  port: value('--port <n>', 'port to listen on', integer(0, 65_535), {
    default: 9001,
    defaultText: '9001',
  }),
  instances: value('--instances <n>', 'fleet size', integer(0, 1_000_000), {
    default: 150,
    defaultText: '150',
  }),
  seed: value('--seed <n>', 'same seed, same fleet', integer(0, 2 ** 31 - 1), {
    default: 1,
    defaultText: '1',
  }),
  model: value(
    '--model <model>',
    'how values behave: drift, uniform or fixed',
    oneOf(['drift', 'uniform', 'fixed'] as const),
    { default: 'drift', defaultText: 'drift' },
  ),
  latency: value(
    '--latency <ms>',
    'added latency per response: 50ms or a range 20ms-80ms',
    latencyRange,
  ),
  errorRate: faultRate('error', 'share of stats requests answered with HTTP 500, e.g. 0.2 or 20%'),
  malformedRate: faultRate('malformed', 'share answered with a malformed body'),
  hangRate: faultRate('hang', 'share never answered'),
  dropRate: faultRate('drop', 'share whose connection is dropped'),
  throttleRate: faultRate('throttle', 'share answered 429 with Retry-After: 1'),
  cutRate: faultRate('cut', 'share whose connection is reset halfway through the body'),
  trickleRate: faultRate('trickle', 'share answered one byte a second'),
  floodRate: faultRate('flood', 'share answered with a 50 MB body'),
  vanishRate: faultRate('vanish', 'share answered 400 although listed (instance gone)'),
  serversFault: value(
    '--servers-fault <kind>',
    `how /servers misbehaves: ${SERVERS_FAULTS.join(', ')}`,
    oneOf(SERVERS_FAULTS),
  ),
  serversFaultRate: value(
    '--servers-fault-rate <rate>',
    'share of /servers requests that misbehave',
    rate,
    { default: 1, defaultText: '1' },
  ),
  serversFaultAfter: value(
    '--servers-fault-after <n>',
    '/servers requests answered well before faults start',
    integer(0, 1e9),
    { default: 0 },
  ),
  churn: value(
    '--churn <rate>',
    'share of instances replaced by others every --churn-interval',
    rate,
    {
      default: 0,
    },
  ),
  churnInterval: value(
    '--churn-interval <duration>',
    'time between churn steps',
    duration(10, 86_400_000),
    { default: 1000, defaultText: '1s' },
  ),
  http10: toggle(
    '--http10',
    'answer HTTP/1.0 and close after every response, like the original server',
  ),
  serial: toggle('--serial', 'handle one request at a time, like a single-threaded server'),
  backlog: value(
    '--backlog <n>',
    'listen backlog of a blocking server (the original: 5); excess connects are dropped',
    integer(0, 65_535),
  ),
} as const satisfies OptionDefs;

const history = {
  since: value(
    '--since <duration>',
    'how far back from now, e.g. 6h, 7d',
    duration(1000, 3650 * 86_400_000),
    {
      defaultText: '6h',
    },
  ),
  from: value(
    '--from <time>',
    'start: 2026-12-06T03:00 (local), …Z (UTC), a date, epoch ms, or 6h (ago)',
    timePoint,
  ),
  to: value('--to <time>', 'end, not included; same forms as --from', timePoint, {
    defaultText: 'now',
  }),
  step: value(
    '--step <duration|raw>',
    'width of one row: 1m, 5m, 1h…, or raw for every scan',
    historyStep,
    {
      defaultText: 'about 100 rows',
    },
  ),
  events: toggle('--events', 'list the transitions (status changes, appeared, gone) instead'),
} as const satisfies OptionDefs;

const migrate = {
  dryRun: toggle('--dry-run', 'list the migrations that would be applied, and apply none'),
} as const satisfies OptionDefs;

/** Every command's options, by command name (which is also its config-file section). */
export const COMMAND_OPTIONS = {
  instances,
  services: {},
  health: {},
  monitor,
  serve,
  mock,
  history,
  migrate,
} as const satisfies Record<string, OptionDefs>;

/** A command that has options. */
export type CommandName = keyof typeof COMMAND_OPTIONS;

/** The resolved options of one command. */
export type CommandOptions<C extends CommandName> = Resolved<(typeof COMMAND_OPTIONS)[C]>;
