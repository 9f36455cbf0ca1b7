import type { Random } from './random.ts';

/** What the mock does to one stats request instead of (or besides) answering it well. */
export type Fault = 'none' | 'error' | 'malformed' | 'hang' | 'drop';

/** Probabilities 0..1 of each fault; they are exclusive and checked in this order. */
export interface FaultRates {
  readonly errorRate: number;
  readonly malformedRate: number;
  readonly hangRate: number;
  readonly dropRate: number;
}

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
];

/** Rejects rates outside 0..1 with a message naming the option. */
export function validateRates(rates: FaultRates): void {
  for (const [name, value] of Object.entries(rates)) {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new RangeError(`${name} must be a number from 0 to 1, got ${String(value)}`);
    }
  }
}

/** Decides faults from a seeded stream so a run with the same faultSeed misbehaves the same way. */
export function createFaultPlan(rates: FaultRates, random: Random): () => Fault {
  const { errorRate, malformedRate, hangRate, dropRate } = rates;
  const total = errorRate + malformedRate + hangRate + dropRate;
  // No draw at all when faults are off: the healthy path stays as cheap as possible.
  if (total === 0) return () => 'none';
  const error = errorRate;
  const malformed = error + malformedRate;
  const hang = malformed + hangRate;
  const drop = hang + dropRate;
  return () => {
    const r = random();
    if (r < error) return 'error';
    if (r < malformed) return 'malformed';
    if (r < hang) return 'hang';
    if (r < drop) return 'drop';
    return 'none';
  };
}
