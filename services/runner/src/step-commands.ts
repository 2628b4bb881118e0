/** Turn the machine's `dispatch` actions into step commands for the outbox. */
import {
  cloudEvent,
  durationMs,
  eventTypes,
  subjects,
  type StepExec,
  type WorkflowDefinition,
} from '@riskloop/contracts';
import type { OutboxMessage } from '@riskloop/db';
import { randomUUID } from 'node:crypto';
import type { DispatchParams, RunContext } from './machine.ts';

const defaultStepTimeout = '30s';
const defaultRetry = { attempts: 3, initial: '1s', max: '1m' } as const;

export interface RunRef {
  tenant: string;
  runId: string;
  workflowId: string;
  definition: WorkflowDefinition;
}

/** The params of every `dispatch` among a transition's actions. */
export function dispatchesOf(actions: readonly { type: string; params?: unknown }[]): DispatchParams[] {
  return actions.filter((a) => a.type === 'dispatch').map((a) => a.params as DispatchParams);
}

/** The steps a run is waiting on, as the dispatches that started them (to re-drive a stalled run). */
export function pendingDispatches(context: RunContext): DispatchParams[] {
  return Object.values(context.steps)
    .filter((s) => s.status === 'running')
    .map((s) => ({
      stepId: s.id,
      kind: s.type as DispatchParams['kind'],
      attempt: s.attempts,
      input: (s.input as Record<string, unknown> | undefined) ?? {},
    }));
}

/**
 * One command per dispatch. The idempotency key names tenant, run, step and attempt: sending the same
 * dispatch again (a re-drive) reaches the relay with the same key, so the effect still happens once.
 */
export function stepCommands(run: RunRef, dispatches: readonly DispatchParams[]): OutboxMessage[] {
  return dispatches.map((params) => {
    const step = run.definition.steps.find((s) => s.id === params.stepId);
    const retry = step?.retry ?? defaultRetry;
    const data: StepExec = {
      runId: run.runId,
      workflowId: run.workflowId,
      stepId: params.stepId,
      kind: params.kind,
      attempt: params.attempt,
      idempotencyKey: `${run.tenant}:${run.runId}:${params.stepId}:${params.attempt}`,
      input: params.input,
      timeoutMs: durationMs(step?.timeout ?? defaultStepTimeout),
      maxAttempts: retry.attempts,
      backoffInitialMs: durationMs(retry.initial),
      backoffMaxMs: durationMs(retry.max),
    };
    return {
      subject: subjects.stepExec(params.kind, run.tenant),
      event: cloudEvent({
        id: randomUUID(),
        source: 'riskloop/runner',
        type: eventTypes.stepExec,
        tenant: run.tenant,
        data,
      }),
    };
  });
}
