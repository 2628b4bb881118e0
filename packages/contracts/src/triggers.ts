/**
 * What starts a run. Every trigger may carry a CEL `condition` over its payload (`trigger.*`); a run starts
 * only when it holds.
 */
import { z } from 'zod';

/** A CEL expression (`and`/`or`/`not` accepted as aliases). Checked for syntax by the definition validator. */
export const Expression = z.string().min(1).max(4_000);

/** A KRI threshold breach published by the risk engine (`kri.breach.<tenant>.<kri>`). */
export const KriBreachTrigger = z.strictObject({
  type: z.literal('kri_breach'),
  /** The KRI id, e.g. `critical_cves_unpatched`. */
  kri: z.string().regex(/^[a-z0-9_.-]{1,128}$/i, 'a KRI id is letters, digits, _ . -'),
  /** e.g. `trigger.severity in ["high", "critical"] and trigger.value > trigger.threshold * 2` */
  condition: Expression.optional(),
});

/** An event another system publishes to riskloop (`event.<tenant>.<type>`): a scanner, a policy engine... */
export const EventTrigger = z.strictObject({
  type: z.literal('event'),
  /** e.g. `scan.result`, `scan.sensitive_data_detected`, `policy.violation.created`, `ticket.created`. */
  event: z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*$/i, 'an event type is dot-separated words'),
  condition: Expression.optional(),
});

/** A cron schedule in a time zone; DST is handled by the trigger router. */
export const ScheduleTrigger = z.strictObject({
  type: z.literal('schedule'),
  /** Five-field cron, e.g. `0 9 * * MON` (Mondays 09:00). */
  cron: z.string().regex(/^\S+(\s+\S+){4}$/, 'expected a five-field cron expression such as "0 9 * * MON"'),
  /** IANA time zone. */
  timezone: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'unknown time zone')
    .default('UTC'),
});

/** A button (or `POST /api/workflows/:id/run`), with an optional JSON Schema for its input. */
export const ManualTrigger = z.strictObject({
  type: z.literal('manual'),
  input: z.record(z.string(), z.unknown()).optional(),
});

/** An inbound HTTP webhook, generic (HMAC over timestamp and body) or a sender's preset. */
export const WebhookTrigger = z.strictObject({
  type: z.literal('webhook'),
  preset: z.enum(['generic', 'github.pull_request', 'gitlab.merge_request']).default('generic'),
  condition: Expression.optional(),
});

export const Trigger = z.discriminatedUnion('type', [
  KriBreachTrigger,
  EventTrigger,
  ScheduleTrigger,
  ManualTrigger,
  WebhookTrigger,
]);
export type Trigger = z.infer<typeof Trigger>;
export type TriggerType = Trigger['type'];
