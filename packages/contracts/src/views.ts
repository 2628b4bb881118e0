/** What the API returns: workflows and runs as a caller sees them. */
import { z } from 'zod';
import { ApprovalView } from './approvals.ts';
import { WorkflowDefinition } from './definition.ts';
import { KriEventRecord } from './kri.ts';
import { ArtifactView, DeliveryView } from './relay.ts';

export const WorkflowStatus = z.enum(['draft', 'active', 'paused', 'archived']);
export type WorkflowStatus = z.infer<typeof WorkflowStatus>;

export const WorkflowView = z.object({
  id: z.uuid(),
  name: z.string(),
  status: WorkflowStatus,
  latestVersion: z.int(),
  activeVersion: z.int().nullable(),
  definition: WorkflowDefinition,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WorkflowView = z.infer<typeof WorkflowView>;

export const RunStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;

/** `waiting`: an approval, a wait or a retry back-off holds the step; `cancelled`: the run was cancelled. */
export const StepStatus = z.enum([
  'pending',
  'running',
  'waiting',
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
]);
export type StepStatus = z.infer<typeof StepStatus>;

export const StepRecord = z.object({
  id: z.string(),
  type: z.string(),
  status: StepStatus,
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** Runner-level attempts (each one a new idempotency key). */
  attempts: z.int(),
  /** Tries within the last attempt (e.g. HTTP retries by the relay). */
  tries: z.int().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  durationMs: z.number().optional(),
});
export type StepRecord = z.infer<typeof StepRecord>;

export const RunView = z.object({
  id: z.uuid(),
  workflowId: z.uuid(),
  workflowVersion: z.int(),
  status: RunStatus,
  trigger: z.object({ type: z.string(), payload: z.unknown(), actor: z.string().optional() }),
  /** Step ids in the order they were entered. */
  path: z.array(z.string()),
  steps: z.array(StepRecord),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** Approvals the run asked for, with every decision (filled in by the runner). */
  approvals: z.array(z.lazy(() => ApprovalView)).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  /** KRI updates the run's `emit_kri` steps published (from the kri-emitter). */
  kriEvents: z.array(KriEventRecord).optional(),
  /** The run's external effects, from the relay (added by the gateway). */
  deliveries: z.array(DeliveryView).optional(),
  /** Files the run's `document` steps produced, from the relay (added by the gateway). */
  artifacts: z.array(ArtifactView).optional(),
});
export type RunView = z.infer<typeof RunView>;

export const WorkflowSummary = WorkflowView.omit({ definition: true }).extend({
  tags: z.array(z.string()),
});
export type WorkflowSummary = z.infer<typeof WorkflowSummary>;

/** A page of a list, with the cursor of the next page (absent on the last one). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional() });
}

export const VersionView = z.object({
  workflowId: z.uuid(),
  version: z.int(),
  createdAt: z.string(),
  createdBy: z.string(),
  reason: z.string().nullable(),
  definition: WorkflowDefinition.optional(),
  /** Where the version came from when not typed in: e.g. the interview and its transcript hash. */
  provenance: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type VersionView = z.infer<typeof VersionView>;

export const ChangeAction = z.enum(['created', 'updated', 'activated', 'paused', 'archived']);

export const ChangeLogView = z.object({
  id: z.uuid(),
  workflowId: z.uuid(),
  version: z.int(),
  actor: z.string(),
  action: ChangeAction,
  reason: z.string().nullable(),
  /** For edits, the changes from the previous version: `[{ type: CREATE|REMOVE|CHANGE, path, value, oldValue }]`. */
  diff: z.unknown(),
  at: z.string(),
});
export type ChangeLogView = z.infer<typeof ChangeLogView>;

/** What a run would do, computed without any side effect. */
export const DryRunReport = z.object({
  /** Per trigger: would this payload start a run through it? */
  triggers: z.array(
    z.object({ index: z.int(), type: z.string(), matches: z.boolean(), reason: z.string().optional() }),
  ),
  conditions: z.array(z.object({ expression: z.string(), holds: z.boolean(), error: z.string().optional() })),
  wouldStart: z.boolean(),
  /** Every step in order: whether it would run, be skipped (its `if`), or not be reached; its rendered input. */
  steps: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      decision: z.enum(['run', 'skipped', 'not_reached']),
      input: z.unknown().optional(),
      note: z.string().optional(),
      error: z.string().optional(),
    }),
  ),
  /** KRI events the run would emit. */
  emits: z.array(
    z.object({
      step: z.string(),
      event: z.string(),
      kri: z.string().optional(),
      value: z.unknown().optional(),
    }),
  ),
});
export type DryRunReport = z.infer<typeof DryRunReport>;
