/** Runner configuration. */
import { CommonEnv } from '@riskloop/runtime';
import { z } from 'zod';

export const Env = CommonEnv.extend({
  /** Run events handled at once by this copy. */
  RUNNER_CONCURRENCY: z.coerce.number().int().min(1).max(512).default(32),
  /** How long an event may stay unacknowledged before another copy gets it (a crashed runner). */
  RUNNER_ACK_WAIT_MS: z.coerce.number().int().min(1_000).default(30_000),
  /**
   * A running run that has not moved for this long has its pending steps dispatched again (same
   * idempotency keys, so no effect repeats). Longer than the slowest step's tries and backoff.
   */
  RUNNER_STALL_MS: z.coerce.number().int().min(1_000).default(600_000),
  /**
   * Deliveries of one event before it is dead-lettered. A crashed runner's fetched-but-unhandled events
   * count as deliveries too, so this is generous; a poison event is dead-lettered at once whatever it says.
   */
  RUNNER_MAX_DELIVER: z.coerce.number().int().min(2).max(1_000).default(50),
  /** How often due timers are looked for (a timer never fires early; it may fire this much late). */
  RUNNER_TIMER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
});
export type Env = z.infer<typeof Env>;
