import type { Server, Socket } from 'node:net';
import { type Clock, systemClock } from '../time/clock.ts';
import { systemWallClock, type WallClock } from '../time/wall-clock.ts';
import { createExchange, type ExchangeStats, type ServedRequest } from './exchange.ts';
import {
  createServersPlan,
  type FaultRates,
  SERVERS_FAULTS,
  type ServersFault,
  validateRates,
  validateShare,
} from './faults.ts';
import { createFleet, type Fleet } from './fleet.ts';
import { createHttpTransport } from './http-transport.ts';
import { withNow } from './now.ts';
import { deriveSeed, mulberry32 } from './random.ts';
import { createRawTransport } from './raw-transport.ts';
import { createResponder } from './responder.ts';
import { createRoster, poolSizeFor, type Roster } from './roster.ts';

/** How to run the simulated CPX provider; every field is optional. */
export interface MockOptions {
  /** Default `127.0.0.1`; `::` is dual-stack (IPv6 and IPv4). */
  host?: string;
  /** Default 0: an ephemeral port, read it back from `RunningMock.port`. */
  port?: number;
  /** Default 150. */
  instances?: number;
  /** Default 1. */
  seed?: number;
  /** Default `drift`. */
  model?: 'drift' | 'uniform' | 'fixed';
  /** Delay before every response, drawn uniformly per response; default none. */
  latencyMs?: { min: number; max: number };
  /** 0..1: stats requests answered 500 with a JSON error body. */
  errorRate?: number;
  /** 0..1: stats requests answered 200 with a malformed body (kinds rotate). */
  malformedRate?: number;
  /** 0..1: stats requests never answered. */
  hangRate?: number;
  /** 0..1: stats requests whose socket is destroyed without an answer. */
  dropRate?: number;
  /** 0..1: stats requests answered 429 with `Retry-After: retryAfterSeconds`. */
  throttleRate?: number;
  /** 0..1: stats requests whose connection is reset halfway through the body. */
  cutRate?: number;
  /** 0..1: stats requests answered one body byte every `trickleIntervalMs`. */
  trickleRate?: number;
  /** 0..1: stats requests answered with a body of `floodBytes`. */
  floodRate?: number;
  /** 0..1: stats requests answered 400 Invalid IP although listed (vanished instance). */
  vanishRate?: number;
  /** Default 1. */
  retryAfterSeconds?: number;
  /** Default 1000: one byte a second. */
  trickleIntervalMs?: number;
  /** Default 50 MB. */
  floodBytes?: number;
  /** How `/servers` misbehaves; default never. */
  serversFault?: ServersFault;
  /** 0..1: share of `/servers` requests that misbehave once `serversFaultAfter` went well; default 1. */
  serversFaultRate?: number;
  /** `/servers` requests answered well before faults start; default 0. */
  serversFaultAfter?: number;
  /** 0..1: share of listed instances replaced by others every `churnIntervalMs`; default 0. */
  churn?: number;
  /** Default 1000. */
  churnIntervalMs?: number;
  /** Answer HTTP/1.0 with `Connection: close` and close after every response, like the original. */
  http10?: boolean;
  /** One request at a time, the rest queued, like a single-threaded server. */
  serial?: boolean;
  /**
   * Listen backlog of a blocking server, like Python's HTTPServer (5). Set, latency blocks
   * the process (nothing is accepted meanwhile), so connections beyond the backlog are
   * dropped by the kernel and cost the client a 1 s SYN retransmit, as with the original.
   * Meant for `serial` + `http10`; run it in a process of its own. Default: a large backlog.
   */
  backlog?: number;
  /** Seed of the fault and latency draws; default `seed`. */
  faultSeed?: number;
  /**
   * Time and timers: the value model and churn (its wall time), latency and trickles; default
   * the system's. Tests pass a fake one and move it. The blocking mode (`backlog`) really sleeps.
   */
  clock?: Clock;
  /** Told of every request as it arrives, with the fault the mock chose for it (`none`). */
  onRequest?: (request: ServedRequest) => void;
  /** `/now`'s offset from `nowClock`, in ms (may be negative); default 0. */
  clockSkewMs?: number;
  /** `/now` answers with only a `Date` header; default false. */
  nowDateOnly?: boolean;
  /** This machine's clock for `/now`, epoch ms; default the system clock to the µs. */
  nowClock?: () => number;
}

/** A listening mock provider. */
export interface RunningMock {
  /** Base URL for clients, e.g. `http://127.0.0.1:41234` or `http://[::1]:41234`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Every instance that can be listed; with churn, twice as many as are listed at once. */
  readonly fleet: Fleet;
  /** What `/servers` lists at a given time. */
  readonly roster: Roster;
  /** Live counters (`maxInFlight` is an addition for the serial-mode test). */
  readonly stats: Readonly<ExchangeStats>;
  /** Stops listening and destroys every open socket, hung or idle; resolves promptly. */
  close(): Promise<void>;
}

const STREAM_FAULTS = 11;
const STREAM_LATENCY = 12;
const STREAM_SERVERS_FAULTS = 13;
const STREAM_CHURN = 14;
/** Room for a burst of 10k+ simultaneous connects; the kernel caps it at somaxconn. */
const LISTEN_BACKLOG = 65_535;

/** Starts the simulated provider and resolves once it is listening. */
export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  }
  const seed = options.seed ?? 1;
  const latencyMs = options.latencyMs ?? { min: 0, max: 0 };
  if (!(latencyMs.min >= 0 && latencyMs.max >= latencyMs.min)) {
    throw new RangeError(`latencyMs needs 0 <= min <= max, got ${latencyMs.min}..${latencyMs.max}`);
  }
  const rates: FaultRates = {
    errorRate: options.errorRate ?? 0,
    malformedRate: options.malformedRate ?? 0,
    hangRate: options.hangRate ?? 0,
    dropRate: options.dropRate ?? 0,
    throttleRate: options.throttleRate ?? 0,
    cutRate: options.cutRate ?? 0,
    trickleRate: options.trickleRate ?? 0,
    floodRate: options.floodRate ?? 0,
    vanishRate: options.vanishRate ?? 0,
  };
  validateRates(rates);
  const churn = validateShare('churn', options.churn ?? 0);
  const serversFaultRate = validateShare('serversFaultRate', options.serversFaultRate ?? 1);
  const shapes = {
    retryAfterSeconds: nonNegativeInteger('retryAfterSeconds', options.retryAfterSeconds ?? 1),
    trickleIntervalMs: positive('trickleIntervalMs', options.trickleIntervalMs ?? 1000),
    floodBytes: nonNegativeInteger('floodBytes', options.floodBytes ?? 50_000_000),
  };
  const churnIntervalMs = positive('churnIntervalMs', options.churnIntervalMs ?? 1000);
  const serversFaultAfter = nonNegativeInteger('serversFaultAfter', options.serversFaultAfter ?? 0);
  if (options.serversFault !== undefined && !SERVERS_FAULTS.includes(options.serversFault)) {
    throw new RangeError(
      `serversFault must be one of ${SERVERS_FAULTS.join(', ')}, got ${String(options.serversFault)}`,
    );
  }
  const listed = options.instances ?? 150;
  const fleet = createFleet({
    instances: poolSizeFor(listed, churn),
    seed,
    model: options.model ?? 'drift',
  });
  const clock = options.clock ?? systemClock;
  const roster = createRoster(fleet, {
    listed,
    churn,
    intervalMs: churnIntervalMs,
    startMs: clock.wallNow(),
    random: mulberry32(deriveSeed(seed, STREAM_CHURN)),
  });
  const faultSeed = options.faultSeed ?? seed;
  const exchange = createExchange({
    respond: withNow(createResponder(fleet, roster), {
      clock: options.nowClock ?? lazyWallClock(),
      skewMs: options.clockSkewMs ?? 0,
      dateOnly: options.nowDateOnly ?? false,
    }),
    clock,
    rates,
    shapes,
    latencyMs,
    serial: options.serial ?? false,
    blocking: options.backlog !== undefined,
    faultRandom: mulberry32(deriveSeed(faultSeed, STREAM_FAULTS)),
    latencyRandom: mulberry32(deriveSeed(faultSeed, STREAM_LATENCY)),
    serversFault: createServersPlan(
      options.serversFault,
      serversFaultRate,
      serversFaultAfter,
      mulberry32(deriveSeed(faultSeed, STREAM_SERVERS_FAULTS)),
    ),
    listedAt: (nowMs) => roster.listedAt(nowMs),
    onRequest: options.onRequest,
  });
  const server: Server = options.http10
    ? createRawTransport(exchange, clock)
    : createHttpTransport(exchange, clock);
  // Tracked by hand so close() can destroy hung and idle keep-alive sockets alike.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const backlog =
    options.backlog === undefined ? LISTEN_BACKLOG : nonNegativeInteger('backlog', options.backlog);
  await listen(server, host, port, backlog);
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${clientHost(host)}:${boundPort}`,
    host,
    port: boundPort,
    fleet,
    roster,
    stats: exchange.stats,
    close() {
      closing ??= new Promise<void>((resolve) => {
        exchange.close();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      });
      return closing;
    },
  };
}

/** The system clock to the µs, calibrated on first use (it spins up to a millisecond). */
function lazyWallClock(): () => number {
  let wall: WallClock | undefined;
  return () => {
    wall ??= systemWallClock();
    return wall.now();
  };
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number of at least 0, got ${value}`);
  }
  return value;
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`${name} must be a number above 0, got ${value}`);
  }
  return value;
}

function listen(server: Server, host: string, port: number, backlog: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // ipv6Only false: binding `::` also accepts IPv4 clients, like the original's dual-stack socket.
    server.listen({ host, port, ipv6Only: false, backlog }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The address a client should dial: wildcards become loopback, IPv6 literals get brackets. */
export function clientHost(host: string): string {
  if (host === '::' || host === '') return '[::1]';
  if (host === '0.0.0.0') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
