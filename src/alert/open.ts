import { type Clock, systemClock } from '../time/clock.ts';
import { AlertService } from './alert-service.ts';
import type { AlertConfig } from './compile.ts';
import { MemoryAlertStore } from './memory-store.ts';
import { type NotifierRole, SingleProcessRole } from './notifier-role.ts';
import { createReceiver } from './receivers.ts';
import type { AlertStore } from './store.ts';

/** What `serve` starts alerting with. */
export interface AlertingOptions {
  readonly config: AlertConfig;
  /** The dashboard's URL: the link notifications carry unless the config names another. */
  readonly url: string;
  readonly intervalMs: number;
  readonly log: (line: string) => void;
  /** Default: in memory; `serve` passes the history store's. */
  readonly store?: AlertStore;
  /** Default: this process alone. */
  readonly role?: NotifierRole;
  readonly clock?: Clock;
  /** Jitter of retry delays; default Math.random. */
  readonly random?: () => number;
}

/** Builds the receivers the config names and opens the alert service over the store. */
export function openAlerting(options: AlertingOptions): Promise<AlertService> {
  const externalUrl = options.config.externalUrl ?? options.url;
  const clock = options.clock ?? systemClock;
  const { intervalMs, log } = options;
  const receivers = new Map(
    options.config.receivers.map((r) => [
      r.name,
      createReceiver(r, { externalUrl, intervalMs, log, clock }),
    ]),
  );
  return AlertService.open({
    config: options.config,
    store: options.store ?? new MemoryAlertStore(),
    role: options.role ?? new SingleProcessRole(),
    receivers,
    clock,
    intervalMs: options.intervalMs,
    log: options.log,
    ...(options.random === undefined ? {} : { random: options.random }),
  });
}
