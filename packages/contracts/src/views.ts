/** What the API returns: workflows and runs as a caller sees them. */
import { z } from 'zod';
import { WorkflowDefinition } from './definition.ts';

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

export const StepStatus = z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped']);
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
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type RunView = z.infer<typeof RunView>;
