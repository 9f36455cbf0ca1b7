import type { Random } from './random.ts';

/** What the mock does to one stats request instead of (or besides) answering it well. */
export type Fault =
  | 'none'
  | 'error'
  | 'malformed'
  | 'hang'
  | 'drop'
  | 'throttle'
  | 'cut'
  | 'trickle'
  | 'flood'
  | 'vanish';

/** Probabilities 0..1 of each stats fault; they are exclusive and drawn in this order. */
export interface FaultRates {
  /** HTTP 500 with a JSON error body. */
  readonly errorRate: number;
  /** 200 with a malformed body (the kinds of {@link MALFORMED_BODIES} in turn). */
  readonly malformedRate: number;
  /** Never answered. */
  readonly hangRate: number;
  /** Connection reset before any byte of the answer. */
  readonly dropRate: number;
  /** HTTP 429 with `Retry-After`. */
  readonly throttleRate: number;
  /** Head and half the body, then the connection is reset. */
  readonly cutRate: number;
  /** A good answer, one body byte at a time (a byte a second by default). */
  readonly trickleRate: number;
  /** A 200 whose body is huge (50 MB by default): valid stats followed by padding. */
  readonly floodRate: number;
  /** HTTP 400 Invalid IP for a listed instance, as if it vanished after the listing. */
  readonly vanishRate: number;
}

/** Every rate at 0. */
export const NO_FAULTS: FaultRates = {
  errorRate: 0,
  malformedRate: 0,
  hangRate: 0,
  dropRate: 0,
  throttleRate: 0,
  cutRate: 0,
  trickleRate: 0,
  floodRate: 0,
  vanishRate: 0,
};

// Draw order; the first four keep their places so old seeds misbehave as they always did.
const ORDER: readonly [keyof FaultRates, Fault][] = [
  ['errorRate', 'error'],
  ['malformedRate', 'malformed'],
  ['hangRate', 'hang'],
  ['dropRate', 'drop'],
  ['throttleRate', 'throttle'],
  ['cutRate', 'cut'],
  ['trickleRate', 'trickle'],
  ['floodRate', 'flood'],
  ['vanishRate', 'vanish'],
];

/** One bad stats body and the content type it is served with. */
export interface MalformedBody {
  readonly kind: string;
  readonly contentType: string;
  readonly body: string;
}

/** The kinds of garbage a real provider (or a proxy in front of it) has been seen to return. */
export const MALFORMED_BODIES: readonly MalformedBody[] = [
  { kind: 'not-json', contentType: 'application/json', body: '{"cpu": "61%", "memory": "4' },
  {
    kind: 'missing-field',
    contentType: 'application/json',
    body: '{"cpu": "61%", "service": "UserService"}',
  },
  {
    kind: 'bad-cpu',
    contentType: 'application/json',
    body: '{"cpu": "abc%", "memory": "4%", "service": "UserService"}',
  },
  {
    kind: 'memory-out-of-range',
    contentType: 'application/json',
    body: '{"cpu": "61%", "memory": "150%", "service": "UserService"}',
  },
  {
    kind: 'html',
    contentType: 'text/html',
    body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n',
  },
  { kind: 'json-array', contentType: 'application/json', body: '["61%", "4%", "UserService"]' },
  {
    kind: 'wrong-types',
    contentType: 'application/json',
    body: '{"cpu": true, "memory": ["4%"], "service": 42}',
  },
  {
    kind: 'negative',
    contentType: 'application/json',
    body: '{"cpu": "-5%", "memory": "4%", "service": "UserService"}',
  },
  {
    kind: 'nulls',
    contentType: 'application/json',
    body: '{"cpu": null, "memory": null, "service": null}',
  },
  { kind: 'empty', contentType: 'application/json', body: '' },
];

/** How `/servers` misbehaves when asked to. */
export const SERVERS_FAULTS = [
  'error',
  'hang',
  'garbage',
  'html',
  'not-array',
  'duplicates',
  'non-ip',
  'flood',
] as const;

/** One of {@link SERVERS_FAULTS}. */
export type ServersFault = (typeof SERVERS_FAULTS)[number];

/** Entries a broken `/servers` mixes into its list in `non-ip` mode. */
export const NON_IP_ENTRIES: readonly unknown[] = [
  'not-an-ip',
  '10.0.0.256',
  42,
  null,
  '',
  { ip: '10.0.0.1' },
  'bad\u001b[31mname',
];

/** Rejects rates outside 0..1, or adding up to more than 1, with a message naming the option. */
export function validateRates(rates: FaultRates): void {
  let total = 0;
  for (const [name, value] of Object.entries(rates)) total += validateShare(name, value);
  if (total > 1 + 1e-9) {
    throw new RangeError(`fault rates add up to ${total}, more than 1`);
  }
}

/** Returns `value` if it is a share 0..1, else throws a RangeError naming the option. */
export function validateShare(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be a number from 0 to 1, got ${String(value)}`);
  }
  return value;
}

/** Decides faults from a seeded stream so a run with the same faultSeed misbehaves the same way. */
export function createFaultPlan(rates: FaultRates, random: Random): () => Fault {
  const bounds: [number, Fault][] = [];
  let total = 0;
  for (const [name, fault] of ORDER) {
    total += rates[name];
    bounds.push([total, fault]);
  }
  // No draw at all when faults are off: the healthy path stays as cheap as possible.
  if (total === 0) return () => 'none';
  return () => {
    const r = random();
    for (const [bound, fault] of bounds) if (r < bound) return fault;
    return 'none';
  };
}

/** Decides, per `/servers` request, whether it misbehaves: never for the first `after`, then at `rate`. */
export function createServersPlan(
  fault: ServersFault | undefined,
  rate: number,
  after: number,
  random: Random,
): () => ServersFault | null {
  if (fault === undefined || rate === 0) return () => null;
  let seen = 0;
  return () => {
    seen++;
    if (seen <= after) return null;
    return rate >= 1 || random() < rate ? fault : null;
  };
}
