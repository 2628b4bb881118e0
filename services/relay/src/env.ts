/** Relay configuration. */
import { CommonEnv } from '@riskloop/runtime';
import { z } from 'zod';

export const Env = CommonEnv.extend({
  /** Step commands handled at once by this copy. */
  RELAY_CONCURRENCY: z.coerce.number().int().min(1).max(512).default(64),
  /** How long a claimed delivery is held before another copy may take it over (a crashed relay). */
  RELAY_LEASE_MS: z.coerce.number().int().min(1_000).default(300_000),
  /** How long a command may stay unacknowledged before redelivery; at least the lease. */
  RELAY_ACK_WAIT_MS: z.coerce.number().int().min(1_000).default(300_000),
});
export type Env = z.infer<typeof Env>;
