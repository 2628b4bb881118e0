/**
 * The KRI loop's contracts. The risk engine publishes `kri.threshold.breached` / `kri.threshold.recovered`
 * CloudEvents on `kri.breach.<tenant>.<kri>`; riskloop publishes `kri.update` CloudEvents on
 * `kri.update.<tenant>.<kri>` when a workflow's steps emit KRI events. KRIs are catalogued per tenant, and
 * KRI event definitions say what an emitted event does to a KRI. The CloudEvent `id` of a breach is the
 * source's event id: the same id delivered twice is one breach.
 */
import { z } from 'zod';
import { EmittedEvent } from './definition.ts';
import { Expression } from './triggers.ts';

export const kriEventTypes = {
  breached: 'kri.threshold.breached',
  recovered: 'kri.threshold.recovered',
  update: 'kri.update',
} as const;

/** A KRI id: one subject token (letters, digits, `_`, `-`). */
export const KriId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'a KRI id is letters, digits, _ and -');

/** `data` of `kri.threshold.breached` and `kri.threshold.recovered`. Extra fields are kept for conditions. */
export const KriThreshold = z.looseObject({
  kri: KriId,
  /** The KRI's value when observed. */
  value: z.number(),
  threshold: z.number(),
  /** `above`: breached when value > threshold; `below`: when value < threshold. */
  direction: z.enum(['above', 'below']),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  observed_at: z.iso.datetime({ offset: true }),
  /** The risk engine's own id of the breach episode (a recovery names the breach it ends). */
  breach_id: z.string().min(1).max(200).optional(),
});
export type KriThreshold = z.infer<typeof KriThreshold>;

export const KriEffect = z.enum(['increment', 'decrement', 'set', 'close_breach']);
export type KriEffect = z.infer<typeof KriEffect>;

/** `data` of `kri.update`: what one emitted KRI event does to one KRI, for the risk model. */
export const KriUpdate = z.object({
  kri: KriId,
  /** The emitted event type, e.g. `patch_applied`. */
  event: z.string(),
  effect: KriEffect,
  /** How much (increment, decrement) or the new value (set); null for close_breach. */
  amount: z.number().nullable(),
  definitionId: z.string(),
  definitionVersion: z.int(),
  runId: z.uuid(),
  workflowId: z.uuid(),
  stepId: z.string(),
  attributes: z.record(z.string(), z.unknown()),
  emittedAt: z.iso.datetime({ offset: true }),
});
export type KriUpdate = z.infer<typeof KriUpdate>;

/** A KRI in a tenant's catalogue (`PUT /api/kris/:id`). */
export const KriBody = z.strictObject({
  name: z.string().min(1).max(200),
  unit: z.string().max(50).optional(),
  description: z.string().max(4000).optional(),
});
export type KriBody = z.infer<typeof KriBody>;

export const KriView = KriBody.extend({ id: KriId, createdAt: z.string(), updatedAt: z.string() });
export type KriView = z.infer<typeof KriView>;

/** A KRI event definition id (the `:id` of `/api/workflow-kri-definitions/:id`). */
export const KriDefinitionId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, 'a definition id is lowercase letters, digits, _ and -');

/**
 * A result mapping (`from_result`): a step's result that counts as the definition's event without an
 * `emit_kri` step, e.g. a webhook to the patch system answering "patch confirmed". `when` is a CEL
 * condition over `step.id`, `step.kind`, `step.output` and `workflow.id`; `kinds`, `workflow` and `step`
 * narrow which results are looked at.
 */
export const KriResultMapping = z.strictObject({
  when: Expression,
  kinds: z
    .array(z.string().regex(/^[a-z_]{1,40}$/, 'a step kind'))
    .min(1)
    .max(20)
    .optional(),
  workflow: z.uuid().optional(),
  step: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, 'a step id')
    .optional(),
});
export type KriResultMapping = z.infer<typeof KriResultMapping>;

/**
 * `PUT /api/workflow-kri-definitions/:id`: when a step emits `event`, apply `effect` to `kri` by `amount`.
 * `amount` is a number or a CEL expression over `event.value` and `event.attributes` (what the step
 * emitted), and `step` for a result mapping; it must evaluate to a number. Not needed for `close_breach`.
 * With `from_result`, the definition applies to step results it matches and not to `emit_kri` steps.
 */
export const KriDefinitionBody = z.strictObject({
  event: EmittedEvent,
  kri: KriId,
  effect: KriEffect,
  amount: z.union([z.number(), Expression]).optional(),
  from_result: KriResultMapping.optional(),
  description: z.string().max(4000).optional(),
});
export type KriDefinitionBody = z.infer<typeof KriDefinitionBody>;

export const KriDefinitionView = KriDefinitionBody.extend({
  id: KriDefinitionId,
  version: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type KriDefinitionView = z.infer<typeof KriDefinitionView>;

export const KriDefinitionChange = z.object({
  definitionId: z.string(),
  version: z.int(),
  actor: z.string(),
  action: z.enum(['created', 'updated']),
  reason: z.string().nullable(),
  diff: z.unknown(),
  at: z.string(),
});
export type KriDefinitionChange = z.infer<typeof KriDefinitionChange>;

/** One KRI update the emitter published, recorded with its run and step for audit. */
export const KriEventRecord = z.object({
  id: z.string(),
  runId: z.uuid(),
  workflowId: z.uuid(),
  stepId: z.string(),
  event: z.string(),
  kri: z.string(),
  effect: KriEffect,
  amount: z.number().nullable(),
  definitionId: z.string(),
  definitionVersion: z.int(),
  emittedAt: z.string(),
});
export type KriEventRecord = z.infer<typeof KriEventRecord>;

/**
 * A step's result, for the KRI emitter's result mappings (`step.result.<tenant>`): the runner publishes one
 * when it records the success of a step another service executed (not `emit_kri`, which emits itself). The
 * CloudEvent id is `step-result:<id of the step.succeeded event>`: one result, one message.
 */
export const StepResult = z.object({
  runId: z.uuid(),
  workflowId: z.uuid(),
  stepId: z.string(),
  kind: z.string(),
  output: z.unknown(),
  finishedAt: z.iso.datetime({ offset: true }),
});
export type StepResult = z.infer<typeof StepResult>;

/** What an `emit_kri` step's output is: the updates it published. */
export const EmitKriOutput = z.object({ updates: z.array(KriEventRecord) });
export type EmitKriOutput = z.infer<typeof EmitKriOutput>;
