/**
 * The workflow definition language. A workflow version is an immutable document of this shape: what the
 * interview produces, the registry stores, the trigger router matches and the runner executes. Unknown
 * fields are rejected, not ignored. Shape only: cross-field rules (step references, reachability,
 * expressions) are checked by `@riskloop/definitions`.
 */
import { z } from 'zod';
import { Step } from './steps.ts';
import { Expression, Trigger } from './triggers.ts';

/** A KRI event type this workflow's steps may emit (`emit_kri`); effects are declared per tenant. */
export const EmittedEvent = z.string().regex(/^[a-z0-9_]{1,100}$/, 'an event type is lower_snake_case');

export const WorkflowDefinition = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(4000).optional(),
  /** The accountable owner (a user or `role:<name>`); `notify: { to: owner }` reaches them. */
  owner: z.string().max(200).optional(),
  tags: z.array(z.string().min(1).max(64)).max(32).optional(),
  triggers: z.array(Trigger).min(1, 'a workflow needs at least one trigger').max(20),
  /** Every one must hold for a run to start (after the trigger's own condition). */
  conditions: z.array(Expression).max(20).optional(),
  /** KRI event types the steps may emit, e.g. `patch_applied`. */
  emits: z.array(EmittedEvent).max(50).optional(),
  steps: z.array(Step).min(1, 'a workflow needs at least one step').max(500),
});
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;
/** What a caller writes: defaults not yet applied. */
export type WorkflowDefinitionInput = z.input<typeof WorkflowDefinition>;
