import type { Server, Socket } from 'node:net';
import { createExchange, type ExchangeStats } from './exchange.ts';
import { type FaultRates, validateRates } from './faults.ts';
import { createFleet, type Fleet } from './fleet.ts';
import { createHttpTransport } from './http-transport.ts';
import { deriveSeed, mulberry32 } from './random.ts';
import { createRawTransport } from './raw-transport.ts';
import { createResponder } from './responder.ts';

/** How to run the simulated CPX provider; every field is optional. */
export interface MockOptions {
  /** Default `::` dual-stack (also reachable over IPv4). */
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
  /** Answer HTTP/1.0 with `Connection: close` and close after every response, like the original. */
  http10?: boolean;
  /** One request at a time, the rest queued, like a single-threaded server. */
  serial?: boolean;
  /** Seed of the fault and latency draws; default `seed`. */
  faultSeed?: number;
  /** Time source for the value model; default `Date.now`. */
  clock?: () => number;
}

/** A listening mock provider. */
export interface RunningMock {
  /** Base URL for clients, e.g. `http://127.0.0.1:41234` or `http://[::1]:41234`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly fleet: Fleet;
  /** Live counters (`maxInFlight` is an addition for the serial-mode test). */
  readonly stats: Readonly<ExchangeStats>;
  /** Stops listening and destroys every open socket, hung or idle; resolves promptly. */
  close(): Promise<void>;
}

const STREAM_FAULTS = 11;
const STREAM_LATENCY = 12;
/** Room for a burst of 10k+ simultaneous connects; the kernel caps it at somaxconn. */
const LISTEN_BACKLOG = 65_535;

/** Starts the simulated provider and resolves once it is listening. */
export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const host = options.host ?? '::';
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
  };
  validateRates(rates);
  const fleet = createFleet({
    instances: options.instances ?? 150,
    seed,
    model: options.model ?? 'drift',
  });
  const faultSeed = options.faultSeed ?? seed;
  const exchange = createExchange({
    respond: createResponder(fleet),
    clock: options.clock ?? Date.now,
    rates,
    latencyMs,
    serial: options.serial ?? false,
    faultRandom: mulberry32(deriveSeed(faultSeed, STREAM_FAULTS)),
    latencyRandom: mulberry32(deriveSeed(faultSeed, STREAM_LATENCY)),
  });
  const server: Server = options.http10
    ? createRawTransport(exchange)
    : createHttpTransport(exchange);
  // Tracked by hand so close() can destroy hung and idle keep-alive sockets alike.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  let boundHost = host;
  try {
    await listen(server, host, port);
  } catch (error) {
    // A host without IPv6 cannot bind the default `::`; fall back to IPv4 rather than fail.
    if (options.host !== undefined || !isNoIpv6(error)) throw error;
    boundHost = '0.0.0.0';
    await listen(server, boundHost, port);
  }
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${clientHost(boundHost)}:${boundPort}`,
    host: boundHost,
    port: boundPort,
    fleet,
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

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // ipv6Only false: binding `::` also accepts IPv4 clients, like the original's dual-stack socket.
    server.listen({ host, port, ipv6Only: false, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function isNoIpv6(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL';
}

/** The address a client should dial: wildcards become loopback, IPv6 literals get brackets. */
export function clientHost(host: string): string {
  if (host === '::' || host === '') return '[::1]';
  if (host === '0.0.0.0') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
