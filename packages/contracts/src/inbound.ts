/**
 * Events from other systems (scanners, policy engines, ticketing): CloudEvents of their own `type` on
 * `event.<tenant>.<type>`, with a JSON object as `data`. The CloudEvent `id` is the source's event id
 * (the dedupe key). Inbound webhooks: how senders sign their requests.
 */
import { z } from 'zod';

/** A foreign event type: dot-separated lowercase words, e.g. `policy.violation.created`. */
export const ExternalEventType = z
  .string()
  .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*$/, 'an event type is dot-separated words')
  .max(200);

/** `data` of an external event: any JSON object; triggers' conditions read it as `trigger.*`. */
export const ExternalEventData = z.record(z.string(), z.unknown());

/** Generic inbound webhook: the sender signs `<timestamp>.<raw body>` with HMAC-SHA256. */
export const webhookHeaders = {
  /** Unix seconds; older or newer than 5 minutes is refused. */
  timestamp: 'x-riskloop-timestamp',
  /** `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. */
  signature: 'x-riskloop-signature',
} as const;

/** How long a signed webhook request stays acceptable, and how long its signature is remembered. */
export const webhookReplayWindowMs = 5 * 60_000;
