/** Step commands for executing services, and step results for the KRI emitter, from a run's effects. */
import {
  cloudEvent,
  durationMs,
  eventTypes,
  subjects,
  type Step,
  type StepExec,
  type StepResult,
  type WorkflowDefinition,
} from '@riskloop/contracts';
import { walkSteps } from '@riskloop/definitions';
import type { OutboxMessage } from '@riskloop/db';
import { randomUUID } from 'node:crypto';
import type { Effect, RunContext } from './machine/index.ts';

const defaultStepTimeout = '30s';
const defaultRetry = { attempts: 3, initial: '1s', max: '1m' } as const;

export interface RunRef {
  tenant: string;
  runId: string;
  workflowId: string;
  definition: WorkflowDefinition;
}

type Dispatch = Extract<Effect, { type: 'dispatch' }>;
type Notify = Extract<Effect, { type: 'notify' }>;
type Result = Extract<Effect, { type: 'result' }>;

const stepsById = new WeakMap<WorkflowDefinition, Map<string, Step>>();

/** A step anywhere in the definition, nested ones included. */
export function findStep(definition: WorkflowDefinition, id: string): Step | undefined {
  let index = stepsById.get(definition);
  if (!index) {
    index = new Map(walkSteps(definition).map((w) => [w.step.id, w.step]));
    stepsById.set(definition, index);
  }
  return index.get(id);
}

/** The dispatches a stalled run still waits on (to send them again, with the same keys). */
export function pendingDispatches(context: RunContext): Dispatch[] {
  return Object.values(context.steps)
    .filter((s) => s.status === 'running' && s.type !== 'branch' && s.type !== 'parallel')
    .map((s) => ({
      type: 'dispatch',
      stepId: s.id,
      kind: s.type,
      attempt: s.attempts,
      input: (s.input as Record<string, unknown> | undefined) ?? {},
    }));
}

function command(run: RunRef, data: StepExec): OutboxMessage {
  return {
    subject: subjects.stepExec(data.kind, run.tenant),
    event: cloudEvent({
      id: randomUUID(),
      source: 'riskloop/runner',
      type: eventTypes.stepExec,
      tenant: run.tenant,
      data,
    }),
  };
}

/**
 * The idempotency key names tenant, run, step and attempt: sending the same dispatch again (a re-drive)
 * reaches the executor with the same key, so the effect still happens once. Within one attempt the executor
 * retries by the step's `retry` policy; the runner starts a new attempt (a new key) after a `timeout`.
 */
export function stepCommand(run: RunRef, dispatch: Dispatch): OutboxMessage {
  const step = findStep(run.definition, dispatch.stepId);
  const retry = step?.retry ?? defaultRetry;
  return command(run, {
    runId: run.runId,
    workflowId: run.workflowId,
    stepId: dispatch.stepId,
    kind: dispatch.kind,
    attempt: dispatch.attempt,
    idempotencyKey: `${run.tenant}:${run.runId}:${dispatch.stepId}:${dispatch.attempt}`,
    input: dispatch.input,
    timeoutMs: durationMs(step?.timeout ?? defaultStepTimeout),
    maxAttempts: retry.attempts,
    backoffInitialMs: durationMs(retry.initial),
    backoffMaxMs: durationMs(retry.max),
  });
}

/** An approval's request or reminder, sent as a `notify` command; its result does not move the run. */
export function notifyCommand(run: RunRef, notify: Notify): OutboxMessage {
  return command(run, {
    runId: run.runId,
    workflowId: run.workflowId,
    stepId: notify.stepId,
    kind: 'notify',
    attempt: 1,
    idempotencyKey: `${run.tenant}:${run.runId}:${notify.key}`,
    input: { to: notify.to, subject: notify.subject, message: notify.message },
    timeoutMs: durationMs(defaultStepTimeout),
    maxAttempts: defaultRetry.attempts,
    backoffInitialMs: durationMs(defaultRetry.initial),
    backoffMaxMs: durationMs(defaultRetry.max),
  });
}

/** A step's result for the KRI emitter's result mappings (`step.result.<tenant>`). */
export function resultMessage(run: RunRef, result: Result): OutboxMessage {
  const data: StepResult = {
    runId: run.runId,
    workflowId: run.workflowId,
    stepId: result.stepId,
    kind: result.kind,
    output: result.output,
    finishedAt: result.at,
  };
  return {
    subject: subjects.stepResult(run.tenant),
    event: cloudEvent({
      id: `step-result:${result.id}`,
      source: 'riskloop/runner',
      type: eventTypes.stepResult,
      tenant: run.tenant,
      data,
    }),
  };
}
