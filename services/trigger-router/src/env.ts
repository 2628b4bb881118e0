/** Trigger router configuration. */
import { CommonEnv } from '@riskloop/runtime';
import { z } from 'zod';

export const Env = CommonEnv.extend({
  /** Runs released to the runner per tenant per second; the excess waits in PostgreSQL, never dropped. */
  TRIGGER_RUNS_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(50),
  /** Runs per tenant released to the runner and not yet finished; the excess waits, never dropped. */
  TRIGGER_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  /** How often schedules are checked (real milliseconds). */
  SCHEDULE_TICK_MS: z.coerce.number().int().min(50).default(1_000),
  /**
   * Catch-up policy: scheduled times missed by more than this (e.g. everything was down) are not all run;
   * only the latest of them runs, once. Times missed by less run each.
   */
  SCHEDULE_MISFIRE_GRACE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(10 * 60_000),
  /** How often the index of active workflows is rebuilt in full, besides following registry events. */
  TRIGGER_INDEX_REFRESH_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Master keys that wrap the per-tenant keys sealing webhook secrets: `v1:<base64 32 bytes>,...`. */
  RISKLOOP_MASTER_KEYS: z.string().optional(),
  /** TEST ONLY: the schedule clock's time at `TRIGGER_CLOCK_EPOCH_MS` (ISO); unset: the real time. */
  TRIGGER_CLOCK_START: z.iso.datetime({ offset: true }).optional(),
  /** TEST ONLY: the real time (ms since 1970) at which the schedule clock read `TRIGGER_CLOCK_START`. */
  TRIGGER_CLOCK_EPOCH_MS: z.coerce.number().int().optional(),
  /** TEST ONLY: simulated seconds per real second. */
  TRIGGER_CLOCK_SPEED: z.coerce.number().positive().default(1),
});
export type Env = z.infer<typeof Env>;
