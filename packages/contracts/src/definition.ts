/**
 * The workflow definition language. A workflow version is an immutable document of this shape; it is
 * what the interview produces, the registry stores, the trigger router matches and the runner executes.
 * Unknown fields are rejected, not ignored.
 */
import { z } from 'zod';

/** A duration such as `500ms`, `30s`, `5m`, `48h`, `7d`. */
export const Duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'expected a duration such as 30s, 5m, 48h or 7d');
export type Duration = z.infer<typeof Duration>;

const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function durationMs(value: Duration): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (!match) throw new Error(`not a duration: ${value}`);
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}

export const StepId = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'a step id is lower_snake_case, starting with a letter, at most 63 chars');

export const RetryPolicy = z.strictObject({
  /** Total attempts including the first. */
  attempts: z.int().min(1).max(20).default(3),
  /** Delay before the second attempt; doubles each attempt, with full jitter. */
  initial: Duration.default('1s'),
  /** Upper bound on one delay. */
  max: Duration.default('1m'),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

/** A string that is an http(s) URL, or a template that renders to one at run time. */
const HttpUrl = z.string().refine((value) => {
  if (value.includes('{{')) return true;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'expected an http(s) URL');

export const ManualTrigger = z.strictObject({
  type: z.literal('manual'),
  /** Optional JSON-Schema-like description of the input; checked by the triggers issue. */
  input: z.record(z.string(), z.unknown()).optional(),
});

export const Trigger = z.discriminatedUnion('type', [ManualTrigger]);
export type Trigger = z.infer<typeof Trigger>;

const stepBase = {
  id: StepId,
  name: z.string().max(200).optional(),
  timeout: Duration.optional(),
  retry: RetryPolicy.optional(),
};

export const WebhookStep = z.strictObject({
  ...stepBase,
  type: z.literal('webhook'),
  webhook: z.strictObject({
    url: HttpUrl,
    method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
    headers: z.record(z.string(), z.string()).optional(),
    /** Any JSON; every string in it may hold `{{ expr }}` templates. */
    body: z.unknown().optional(),
  }),
});
export type WebhookStep = z.infer<typeof WebhookStep>;

export const Step = z.discriminatedUnion('type', [WebhookStep]);
export type Step = z.infer<typeof Step>;
export type StepKind = Step['type'];

export const WorkflowDefinition = z
  .strictObject({
    name: z.string().min(1).max(200),
    description: z.string().max(4000).optional(),
    owner: z.string().max(200).optional(),
    tags: z.array(z.string().max(64)).max(32).optional(),
    triggers: z.array(Trigger).min(1),
    steps: z.array(Step).min(1).max(500),
  })
  .superRefine((definition, ctx) => {
    const seen = new Set<string>();
    definition.steps.forEach((step, index) => {
      if (seen.has(step.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'id'],
          message: `duplicate step id ${step.id}`,
        });
      }
      seen.add(step.id);
    });
  });
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;
/** What a caller writes: defaults not yet applied. */
export type WorkflowDefinitionInput = z.input<typeof WorkflowDefinition>;
