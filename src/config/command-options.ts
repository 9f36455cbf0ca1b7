import { SORT_FIELDS, type SortSpec } from '../core/instances.ts';
import type { InstanceStatus } from '../core/types.ts';
import { SERVERS_FAULTS } from '../mock/faults.ts';
import { ANY_SUCCESS } from '../probe/expected-status.ts';
import { DEFAULT_CLOCK_REQUESTS } from '../probe/probe-spec.ts';
import { allowedHostName } from '../server/host-check.ts';
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
import {
  bodyRegex,
  expectedStatus,
  headerLine,
  httpMethod,
  jsonExpectation,
  signedDuration,
} from './probe-fields.ts';

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

/** A name `serve` answers besides loopback (`--allow-host`): a name, `*.domain`, `*` or an IP address. */
const hostName: FieldParser<string> = (input) => {
  const name = allowedHostName(input);
  return name === undefined
    ? {
        ok: false,
        problem: 'is not a host name',
        allowed:
          'a name such as fleetmon.example.com, *.example.com for its subdomains, * for any, or an IP address (no port)',
      }
    : { ok: true, value: name };
};

/** A bearer token long enough not to be guessed. */
export const bearerToken: FieldParser<string> = (input) =>
  input.trim().length >= 8
    ? { ok: true, value: input.trim() }
    : {
        ok: false,
        problem: 'is too short',
        allowed: 'at least 8 characters, e.g. openssl rand -hex 16',
      };

/** `user:password`, both parts non-empty. */
export const userPassword: FieldParser<{ user: string; password: string }> = (input) => {
  const colon = input.indexOf(':');
  return colon < 1 || colon === input.length - 1
    ? { ok: false, allowed: 'user:password with both parts non-empty' }
    : { ok: true, value: { user: input.slice(0, colon), password: input.slice(colon + 1) } };
};

// Secrets: never in the config file, and safer in the environment than on a command line, which
// `ps` shows to every user of the machine. `serve` requires them; `alerts` and `silence` send them.
const authTokenOption = (what: string) =>
  value(
    '--auth-token <token>',
    `${what}; other users see flags in ps, so the environment variable (or a file) is safer`,
    bearerToken,
    { env: 'FLEETMON_AUTH_TOKEN', file: false },
  );
const basicAuthOption = (what: string) =>
  value(
    '--basic-auth <user:password>',
    `${what}; other users see flags in ps, so the environment variable (or a file) is safer`,
    userPassword,
    { env: 'FLEETMON_BASIC_AUTH', file: false },
  );

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
  allowHost: list(
    '--allow-host <name>',
    'also answer requests whose Host is this name (repeatable; *.domain for its subdomains, * for any); loopback names always, IP addresses with --listen-public',
    hostName,
    { env: 'FLEETMON_ALLOW_HOSTS' },
  ),
  maxStreams: value(
    '--max-streams <n>',
    'live streams (/api/v1/stream) open at once; more are answered 503',
    integer(1, 1_000_000),
    { default: 100, defaultText: '100' },
  ),
  maxConnections: value(
    '--max-connections <n>',
    'connections open at once; more are closed unanswered',
    integer(2, 1_000_000),
    { default: 500, defaultText: '500' },
  ),
  authToken: authTokenOption('require "Authorization: Bearer <token>"'),
  authTokenFile: value(
    '--auth-token-file <path>',
    'read the token from a file, e.g. a mounted secret',
    text,
    { env: 'FLEETMON_AUTH_TOKEN_FILE' },
  ),
  basicAuth: basicAuthOption('require HTTP basic auth, as browsers prompt for it'),
  basicAuthFile: value(
    '--basic-auth-file <path>',
    'read user:password from a file, e.g. a mounted secret',
    text,
    { env: 'FLEETMON_BASIC_AUTH_FILE' },
  ),
} as const satisfies OptionDefs;

/** A running `fleetmon serve`: `http://host:port/`, `host:port`, or a URL with a path (behind a proxy). */
const serverUrl: FieldParser<string> = (input) => {
  const text = input.trim();
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') {
      url.search = '';
      url.hash = '';
      if (!url.pathname.endsWith('/')) url.pathname += '/';
      return { ok: true, value: url.toString() };
    }
  } catch {}
  return { ok: false, allowed: 'the URL of fleetmon serve, e.g. http://127.0.0.1:8080' };
};

/** An instant: ISO 8601 with a time zone, e.g. 2026-12-24T18:00:00Z. */
const instant: FieldParser<number> = (input) => {
  const text = input.trim();
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)
    ? Date.parse(text)
    : Number.NaN;
  return Number.isFinite(ms)
    ? { ok: true, value: ms }
    : { ok: false, allowed: 'a time in ISO 8601 with its zone, e.g. 2026-12-24T18:00:00Z' };
};

// The commands that talk to a running `serve` (alerts, silence). Flags and environment only:
// `alerts:` in the config file holds the alerting rules, and the address is per shell, not per
// deployment.
const serveClient = {
  server: value(
    '--server <url>',
    'a running fleetmon serve to ask, e.g. http://127.0.0.1:8080',
    serverUrl,
    { env: 'FLEETMON_SERVER', file: false },
  ),
  authToken: authTokenOption('sent as "Authorization: Bearer <token>" to serve'),
  basicAuth: basicAuthOption('HTTP basic auth for serve'),
} as const satisfies OptionDefs;

/** Options that only make sense typed for one run: no environment variable, no config key. */
const ONE_OFF = { env: false, file: false } as const;

const alerts = {
  ...serveClient,
  state: list(
    '--state <state>',
    'only alerts in this state: firing, pending or resolved (repeatable; default firing and pending)',
    oneOf(['firing', 'pending', 'resolved'] as const),
    ONE_OFF,
  ),
} as const satisfies OptionDefs;

/** `fleetmon silence add`'s own options, besides those of every silence command. */
export const SILENCE_ADD_OPTIONS = {
  match: list(
    '--match <matcher>',
    'alerts to silence: name=value, name!=value, name=~regex or name!~regex (repeatable; all must match)',
    text,
    ONE_OFF,
  ),
  for: value(
    '--for <duration>',
    'how long, from the start, e.g. 2h',
    duration(1000, 366 * 86_400_000),
    ONE_OFF,
  ),
  until: value('--until <time>', 'when it ends, instead of --for', instant, ONE_OFF),
  start: value('--start <time>', 'when it starts (default now)', instant, ONE_OFF),
  comment: value('--comment <text>', 'why: shown with the silence (required)', text, ONE_OFF),
  author: value('--author <name>', 'who is silencing', text, {
    env: 'USER',
    file: false,
    defaultText: 'your user name',
  }),
} as const satisfies OptionDefs;

/** `fleetmon silence list`'s own options. */
export const SILENCE_LIST_OPTIONS = {
  all: toggle('--all', 'expired silences too (they are kept 24 hours)', ONE_OFF),
} as const satisfies OptionDefs;

const faultRate = (what: string, help: string) =>
  value(`--${what}-rate <rate>`, help, rate, { default: 0 });

const mock = {
  host: value(
    '--host <address>',
    'address to listen on (:: is every interface, IPv6 and IPv4); beyond loopback needs --listen-public',
    text,
    { default: '127.0.0.1', defaultText: '127.0.0.1' },
  ),
  listenPublic: toggle('--listen-public', 'allow a --host that other machines can reach'),
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
  clockSkew: value(
    '--clock-skew <duration>',
    "offset of /now's clock from this machine's, e.g. 1.5s or -900ms",
    signedDuration,
    { default: 0, defaultText: '0' },
  ),
  nowDateOnly: toggle(
    '--now-date-only',
    '/now answers with only a Date header (its time to the second), no timestamp in the body',
  ),
} as const satisfies OptionDefs;

// `--timeout` (the whole probe, clock requests included) and `--max-body` are the shared
// settings of the same names.
const check = {
  clock: toggle('--clock', "read each server's clock: its offset from ours, with an error bar"),
  maxSkew: value(
    '--max-skew <duration>',
    'largest clock offset that is ok, e.g. 1s (implies --clock)',
    duration(1, 7 * 86_400_000),
  ),
  clockSource: value(
    '--clock-source <source>',
    'auto (a body timestamp if there is one, else the Date header), body or date (implies --clock)',
    oneOf(['auto', 'body', 'date'] as const),
    { defaultText: 'auto' },
  ),
  clockRequests: value(
    '--clock-requests <n>',
    'most requests spent narrowing a Date-only reading (implies --clock)',
    integer(1, 20),
    { defaultText: String(DEFAULT_CLOCK_REQUESTS) },
  ),
  expectStatus: value(
    '--expect-status <codes>',
    'statuses that are ok: 200, 2xx, 200-299 or a list',
    expectedStatus,
    { default: ANY_SUCCESS, defaultText: '2xx' },
  ),
  expectJson: value(
    '--expect-json <path[=value]>',
    'the JSON body has a value at PATH (equal to VALUE), e.g. $.status=ok',
    jsonExpectation,
  ),
  expectRegex: value(
    '--expect-regex <regex>',
    'the body matches this regular expression',
    bodyRegex,
  ),
  maxLatency: value(
    '--max-latency <duration>',
    'an answer slower than this fails, e.g. 500ms',
    duration(1, 600_000),
  ),
  method: value('--method <method>', 'HTTP method', httpMethod, {
    default: 'GET',
    defaultText: 'GET',
  }),
  header: list('--header <name: value>', 'request header (repeatable)', headerLine, {
    split: false,
  }),
  data: value('--data <text>', 'request body, e.g. for --method POST', (input) => ({
    ok: true,
    value: input,
  })),
  maxRedirects: value(
    '--max-redirects <n>',
    'redirects followed; 0 takes a 3xx as the answer',
    integer(0, 20),
    { default: 5, defaultText: '5' },
  ),
  insecure: toggle('--insecure', 'accept any TLS certificate (self-signed, expired, other name)'),
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
  alerts,
  silence: serveClient,
  check,
  history,
  migrate,
} as const satisfies Record<string, OptionDefs>;

/** A command that has options. */
export type CommandName = keyof typeof COMMAND_OPTIONS;

/** The resolved options of one command. */
export type CommandOptions<C extends CommandName> = Resolved<(typeof COMMAND_OPTIONS)[C]>;

/** The resolved options of `silence add` and `silence list`. */
export type SilenceAddOptions = Resolved<typeof serveClient & typeof SILENCE_ADD_OPTIONS>;
export type SilenceListOptions = Resolved<typeof serveClient & typeof SILENCE_LIST_OPTIONS>;
