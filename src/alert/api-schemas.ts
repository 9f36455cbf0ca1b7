// What the CLI accepts from serve's alert API: checked at the edge like any other input.
import { z } from 'zod';
import type { AlertRow, SilenceRow } from '../core/alert-types.ts';

const labels = z.record(z.string(), z.string());
const time = z.string();

const alertRow = z.object({
  fingerprint: z.string(),
  alertname: z.string(),
  state: z.enum(['pending', 'firing', 'resolved']),
  severity: z.string(),
  labels,
  annotations: labels,
  activeAt: time,
  startsAt: time.nullable(),
  endsAt: time.nullable(),
  flapping: z.boolean(),
  silencedBy: z.array(z.string()),
  maintenance: z.string().nullable(),
}) satisfies z.ZodType<AlertRow>;

const silenceRow = z.object({
  id: z.string(),
  matchers: z.array(z.string()),
  startsAt: time,
  endsAt: time,
  createdBy: z.string(),
  comment: z.string(),
  state: z.enum(['pending', 'active', 'expired']),
}) satisfies z.ZodType<SilenceRow>;

/** `GET /api/v1/alerts`. */
export const alertRows = z.array(alertRow);
/** `GET /api/v1/silences`. */
export const silenceRows = z.array(silenceRow);
/** `POST /api/v1/silences` (201). */
export const addedSilence = z.object({ silence: silenceRow, warnings: z.array(z.string()) });
/** `DELETE /api/v1/silences/ID` (200). */
export const expiredSilence = z.object({ silence: silenceRow });
