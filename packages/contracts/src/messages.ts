/**
 * The `data` of every CloudEvent that crosses a process boundary, and the event `type` names.
 */
import { z } from 'zod';
import { cloudEventOf } from './cloud-event.ts';
import { WorkflowDefinition } from './definition.ts';
import { TimerFired } from './runs.ts';

export const eventTypes = {
  runStart: 'riskloop.run.start',
  stepExec: 'riskloop.step.exec',
  stepSucceeded: 'riskloop.step.succeeded',
  stepFailed: 'riskloop.step.failed',
  stepResult: 'riskloop.step.result',
  auditPending: 'riskloop.audit.pending',
  runSignal: 'riskloop.run.signal',
  runTimer: 'riskloop.run.timer',
  runFinished: 'riskloop.run.finished',
  workflowActivated: 'riskloop.workflow.activated',
  workflowPaused: 'riskloop.workflow.paused',
  workflowArchived: 'riskloop.workflow.archived',
  workflowVersionCreated: 'riskloop.workflow.version_created',
} as const;

export const TriggerInfo = z.object({
  type: z.enum(['manual', 'kri_breach', 'event', 'schedule', 'webhook']),
  /** The id of what caused the run (request id, breach id): the dedupe key with tenant and workflow. */
  sourceId: z.string(),
  payload: z.record(z.string(), z.unknown()),
  actor: z.string().optional(),
});
export type TriggerInfo = z.infer<typeof TriggerInfo>;

export const RunStart = z.object({
  runId: z.uuid(),
  workflowId: z.uuid(),
  version: z.int().positive(),
  /** The pinned version's definition: the run executes exactly this to its end. */
  definition: WorkflowDefinition,
  trigger: TriggerInfo,
});
export type RunStart = z.infer<typeof RunStart>;

export const StepExec = z.object({
  runId: z.uuid(),
  workflowId: z.uuid(),
  stepId: z.string(),
  kind: z.string(),
  /** Attempt group: a new key per runner-level retry of the step. */
  attempt: z.int().positive(),
  /** Tenant, run, step and attempt: the relay performs at most one effect per key. */
  idempotencyKey: z.string(),
  /** The step's parameters with every template rendered. */
  input: z.record(z.string(), z.unknown()),
  timeoutMs: z.int().positive(),
  maxAttempts: z.int().positive(),
  backoffInitialMs: z.int().nonnegative(),
  backoffMaxMs: z.int().nonnegative(),
});
export type StepExec = z.infer<typeof StepExec>;

const StepResultBase = z.object({
  runId: z.uuid(),
  stepId: z.string(),
  attempt: z.int().positive(),
  /** Tries the executing service made (HTTP retries included). */
  tries: z.int().nonnegative(),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }),
});

export const StepSucceeded = StepResultBase.extend({ output: z.unknown() });
export type StepSucceeded = z.infer<typeof StepSucceeded>;

export const StepError = z.object({ code: z.string(), message: z.string() });
export type StepError = z.infer<typeof StepError>;

export const StepFailed = StepResultBase.extend({ error: StepError });
export type StepFailed = z.infer<typeof StepFailed>;

/**
 * An outside event forwarded to the runner for runs that wait for it (`wait: { event: { type } }`). The
 * trigger-router forwards every external event and KRI breach/recovery it accepts, once per source event.
 */
export const RunSignal = z.object({
  /** The outside event's own type, e.g. `policy.violation.created` or `kri.threshold.recovered`. */
  eventType: z.string().min(1),
  /** The outside event's id (its source's id): a run consumes each signal once. */
  sourceId: z.string().min(1),
  data: z.unknown(),
});
export type RunSignal = z.infer<typeof RunSignal>;

/** A run reached a final status (`trigger.finished.<tenant>`): it no longer counts as in flight. */
export const RunFinished = z.object({
  runId: z.uuid(),
  workflowId: z.uuid(),
  status: z.enum(['succeeded', 'failed', 'cancelled']),
});
export type RunFinished = z.infer<typeof RunFinished>;
export const RunFinishedEvent = cloudEventOf(RunFinished).extend({
  type: z.literal('riskloop.run.finished'),
});

/** Data of every `workflow.*` event: which workflow, the version concerned (active or new), who. */
export const WorkflowChanged = z.object({
  workflowId: z.uuid(),
  version: z.int().positive(),
  status: z.enum(['draft', 'active', 'paused', 'archived']),
  actor: z.string(),
});
export type WorkflowChanged = z.infer<typeof WorkflowChanged>;

/**
 * An audit entry the gateway could not write when it answered (`audit.pending.<tenant>`); the CloudEvent id
 * is the entry's id, so it lands in the chain once however often it is delivered.
 */
export const PendingAudit = z.object({
  id: z.uuid(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  outcome: z.enum(['success', 'denied', 'failure']),
  status: z.int().optional(),
  details: z.record(z.string(), z.unknown()),
  /** When the call was answered (the entry's own time is when it is written). */
  answeredAt: z.iso.datetime({ offset: true }),
});
export type PendingAudit = z.infer<typeof PendingAudit>;

/** What the dead-letter stream holds: the original message, untouched, and why it was given up on. */
export const DeadLetter = z.object({
  reason: z.string(),
  stream: z.string(),
  consumer: z.string(),
  subject: z.string(),
  streamSequence: z.int(),
  deliveries: z.int(),
  failedAt: z.iso.datetime({ offset: true }),
  headers: z.record(z.string(), z.array(z.string())),
  /** The original payload as text. */
  data: z.string(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/** Everything the runner consumes from the RUNS stream, discriminated on the CloudEvent `type`. */
export const RunnerInbound = z.discriminatedUnion('type', [
  cloudEventOf(RunStart).extend({ type: z.literal(eventTypes.runStart) }),
  cloudEventOf(StepSucceeded).extend({ type: z.literal(eventTypes.stepSucceeded) }),
  cloudEventOf(StepFailed).extend({ type: z.literal(eventTypes.stepFailed) }),
  cloudEventOf(RunSignal).extend({ type: z.literal(eventTypes.runSignal) }),
  cloudEventOf(TimerFired).extend({ type: z.literal(eventTypes.runTimer) }),
]);
export type RunnerInbound = z.infer<typeof RunnerInbound>;

/** What a step-executing service consumes from the STEPS stream. */
export const StepCommand = cloudEventOf(StepExec).extend({ type: z.literal(eventTypes.stepExec) });
export type StepCommand = z.infer<typeof StepCommand>;
