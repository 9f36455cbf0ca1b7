import type { ProbeResult } from '../core/probe-types.ts';
import type { ProbeSpec } from './probe-spec.ts';
import { type ProbeHistory, ResultRing } from './result-ring.ts';

/** A configured probe and its latest result (`undefined` before its first run ends). */
export interface ProbeStatus {
  readonly spec: ProbeSpec;
  readonly last: ProbeResult | undefined;
}

/** What `serve`'s API, metrics and dashboard read about probes. */
export interface ProbeReader {
  /** How far back `history` reaches, in ms. */
  readonly windowMs: number;
  /** Changes whenever a result lands or the set of probes changes. */
  readonly version: number;
  /** Every configured probe, in config order. */
  list(): readonly ProbeStatus[];
  /** A probe's runs after `sinceMs` within the window; `undefined` for an unknown probe. */
  history(name: string, sinceMs: number): ProbeHistory | undefined;
}

/** Most runs kept per probe, whatever the window and interval. */
export const MAX_RUNS_KEPT = 2880;

interface Slot {
  spec: ProbeSpec;
  last: ProbeResult | undefined;
  ring: ResultRing;
}

/** The latest result and an in-memory ring of results per probe, kept across reloads by name. */
export class ProbeBoard implements ProbeReader {
  readonly windowMs: number;
  readonly #now: () => number;
  #slots = new Map<string, Slot>();
  #version = 0;

  constructor(options: { windowMs: number; now: () => number }) {
    this.windowMs = options.windowMs;
    this.#now = options.now;
  }

  get version(): number {
    return this.#version;
  }

  /** Keeps the rings of probes still configured (resized to their interval), drops the rest. */
  setSpecs(specs: readonly ProbeSpec[]): void {
    const slots = new Map<string, Slot>();
    for (const spec of specs) {
      const capacity = Math.min(MAX_RUNS_KEPT, Math.ceil(this.windowMs / spec.intervalMs) + 1);
      const old = this.#slots.get(spec.name);
      const ring =
        old === undefined
          ? new ResultRing(capacity)
          : old.ring.capacity === capacity
            ? old.ring
            : old.ring.resized(capacity);
      slots.set(spec.name, { spec, last: old?.last, ring });
    }
    this.#slots = slots;
    this.#version++;
  }

  /** Records a result of a configured probe; results of probes no longer configured are dropped. */
  record(result: ProbeResult): void {
    const slot = this.#slots.get(result.probe);
    if (slot === undefined) return;
    slot.last = result;
    slot.ring.push(result);
    this.#version++;
  }

  list(): readonly ProbeStatus[] {
    return [...this.#slots.values()].map(({ spec, last }) => ({ spec, last }));
  }

  history(name: string, sinceMs: number): ProbeHistory | undefined {
    const slot = this.#slots.get(name);
    return slot?.ring.since(Math.max(sinceMs, this.#now() - this.windowMs));
  }
}
