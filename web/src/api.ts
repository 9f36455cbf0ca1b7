// Types come from the server's own modules (type-only), so the page and the API cannot drift apart.
import type { AlertRow, SilenceRow } from '../../src/core/alert-types.ts';
import type { HistoryEvent, HistorySeries } from '../../src/core/history-types.ts';
import type { HealthRules, InstanceRow, InstanceStatus, ServiceRow } from '../../src/core/types.ts';
import type { ScanEvent } from '../../src/server/fleet-view.ts';
import type { ScanFailure } from '../../src/server/live-state.ts';
import type { StoreHealth } from '../../src/store/store-health.ts';

export type {
  AlertRow,
  HealthRules,
  InstanceRow,
  InstanceStatus,
  ScanEvent,
  ScanFailure,
  ServiceRow,
  SilenceRow,
  StoreHealth,
};

/** `/api/v1/history` answer. */
export type HistoryAnswer = HistorySeries & {
  /** Instances listed per scan (a mean over the point's scans). */
  readonly instances: number[];
  readonly windowMs: number;
  readonly events?: HistoryEvent[];
};

/** `/api/v1/status` answer. */
export interface StatusAnswer {
  readonly ready: boolean;
  readonly provider: string;
  readonly intervalMs: number;
  readonly historyMs: number;
  readonly rules: HealthRules;
  readonly lastError: ScanFailure | null;
  /** The history store's health; `null` when the server has none to report. */
  readonly store: StoreHealth | null;
  readonly version: { readonly version: string; readonly build: string; readonly commit: string };
}

// Relative URLs, so the dashboard also works behind a reverse proxy under a sub-path.
const BASE = 'api/v1/';

/** An error status from the API, with the server's message. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** GETs JSON from the API; throws an {@link ApiError} with the server's message on an error status. */
export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(BASE + path, { headers: { Accept: 'application/json' } });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { message?: string } | null;
    throw new ApiError(response.status, body?.message ?? `HTTP ${response.status}`);
  }
  return (await response.json()) as T;
}

/**
 * Sends JSON with POST or DELETE (the only writes serve takes: silences); throws with the
 * server's message on an error status.
 */
export async function sendJson<T>(
  method: 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(BASE + path, {
    method,
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json().catch(() => null)) as (T & { message?: string }) | null;
  if (!response.ok || answer === null)
    throw new Error(answer?.message ?? `HTTP ${response.status}`);
  return answer;
}

/** The live stream; the browser reconnects by itself. */
export function openStream(): EventSource {
  return new EventSource(`${BASE}stream`);
}
