/**
 * Helpers for the machine's unit tests: a run driven event by event through XState's pure
 * `initialTransition` / `transition`, the effects each transition asks for, and builders for the events a
 * host would feed (step results, timers, decisions, signals, cancel). Time is explicit: `at(ms)` is
 * milliseconds after `t0`, the run's start.
 */
import {
  WorkflowDefinition,
  type Caller,
  type StepRecord,
  type WorkflowDefinitionInput,
} from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { expect } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { approverFor } from './approvals.ts';
import { compileWorkflow, type RunMachine } from './compile.ts';
import type { ApprovalState, Decision, Effect, RunEvent, RunInput } from './types.ts';

export const t0 = '2026-03-01T10:00:00.000Z';
export const at = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();

export const second = 1_000;
export const minute = 60 * second;
export const hour = 60 * minute;
export const day = 24 * hour;

export const runId = '0195a3c0-0000-7000-8000-000000000001';

export const runInput = (payload: Record<string, unknown> = {}, actor?: string): RunInput => ({
  runId,
  tenant: 'acme',
  workflowId: '0195a3c0-0000-7000-8000-0000000000aa',
  version: 1,
  trigger: { type: 'manual', sourceId: 'req-1', payload, ...(actor ? { actor } : {}) },
  at: t0,
});

type StepInput = WorkflowDefinitionInput['steps'][number];

/** A manual workflow of these steps (or a whole definition), parsed with its defaults applied. */
export function definitionOf(steps: StepInput[] | WorkflowDefinitionInput): WorkflowDefinition {
  return WorkflowDefinition.parse(
    Array.isArray(steps) ? { name: 'test', triggers: [{ type: 'manual' }], steps } : steps,
  );
}

/** A webhook step: the one kind dispatched today. */
export const webhook = (id: string, extra: Partial<StepInput> = {}, body?: unknown): StepInput => ({
  id,
  type: 'webhook',
  webhook: { url: `https://hooks.example.test/${id}`, ...(body === undefined ? {} : { body }) },
  ...extra,
});

type Actions = readonly { type: string; params?: unknown }[];

export const effectsOf = (actions: Actions): Effect[] =>
  actions.filter((a) => a.type === 'effect').map((a) => a.params as Effect);

/** The effects of one type, e.g. `only(effects, 'schedule')`. */
export const only = <T extends Effect['type']>(effects: readonly Effect[], type: T) =>
  effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);

/** Everything but `notify`, so a test still holds once approval notifications are sent. */
export const withoutNotify = (effects: readonly Effect[]) => effects.filter((e) => e.type !== 'notify');
/** The effects but the step results published for the KRI emitter. */
export const withoutResults = (effects: readonly Effect[]) => effects.filter((e) => e.type !== 'result');

/** A run of `definition`, started at `t0`, fed one event at a time; keeps the latest snapshot. */
export function startRun(definition: StepInput[] | WorkflowDefinitionInput, input: RunInput = runInput()) {
  const machine: RunMachine = compileWorkflow(definitionOf(definition));
  const [first, actions] = initialTransition(machine, input);
  let snapshot = first;
  const run = {
    machine,
    /** The effects of the start. */
    started: effectsOf(actions),
    get snapshot() {
      return snapshot;
    },
    get value() {
      return snapshot.value;
    },
    get context() {
      return snapshot.context;
    },
    /** The step records by id; a missing id is `undefined`. */
    get steps(): Record<string, StepRecord | undefined> {
      return snapshot.context.steps;
    },
    /** Feed one event; returns the effects of that transition. */
    send(event: RunEvent): Effect[] {
      const [next, nextActions] = transition(machine, snapshot, event);
      snapshot = next;
      return effectsOf(nextActions);
    },
  };
  return run;
}
export type Run = ReturnType<typeof startRun>;

export const succeeded = (stepId: string, output: unknown, atMs: number, attempt = 1): RunEvent => ({
  type: 'step.succeeded',
  at: at(atMs),
  stepId,
  attempt,
  tries: 1,
  output,
  startedAt: at(atMs - 10),
  finishedAt: at(atMs),
});

export const failed = (
  stepId: string,
  atMs: number,
  attempt = 1,
  error = { code: 'http_503', message: 'HTTP 503: down for maintenance' },
): RunEvent => ({
  type: 'step.failed',
  at: at(atMs),
  stepId,
  attempt,
  tries: 3,
  error,
  startedAt: at(atMs - 10),
  finishedAt: at(atMs),
});

export const fired = (key: string, atMs: number): RunEvent => ({ type: 'timer.fired', key, at: at(atMs) });

export const signal = (eventType: string, data: unknown, atMs: number): RunEvent => ({
  type: 'signal',
  eventType,
  sourceId: `src-${atMs}`,
  data,
  at: at(atMs),
});

export const cancel = (atMs: number, reason?: string): RunEvent => ({
  type: 'run.cancel',
  actor: 'user:olga',
  ...(reason ? { reason } : {}),
  at: at(atMs),
});

/** An approval step `sign_off` with these parameters, followed by a webhook `apply`. */
export const approvalFlow = (approval: Record<string, unknown>) =>
  [{ id: 'sign_off', type: 'approval', approval }, webhook('apply')] as StepInput[];

/** The approval state of `stepId` (which must have one). */
export function approvalOf(run: Run, stepId = 'sign_off'): ApprovalState {
  const state = run.context.approvals?.[stepId];
  if (!state) throw new Error(`step ${stepId} has no approval`);
  return state;
}

/** A signed-in person as the gateway passes them (`Caller`). */
export const caller = (user: string, role = 'member', groups: string[] = []): Caller => ({
  actor: `user:${user}`,
  user,
  role,
  groups,
});

/**
 * What the host does for `POST /api/approvals/:id/decisions`: check the caller with `approverFor` (which
 * throws 403/409), record the decision for the entry they matched, and feed it to the run.
 */
export function decide(
  run: Run,
  stepId: string,
  who: Caller,
  kind: Decision['decision'],
  atMs: number,
  comment?: string,
): Effect[] {
  const state = approvalOf(run, stepId);
  const decision: Decision = {
    id: `decision-${who.actor}-${atMs}`,
    decision: kind,
    actor: who.actor,
    ...(who.user ? { user: who.user } : {}),
    approver: approverFor(state, who),
    ...(comment ? { comment } : {}),
    at: at(atMs),
  };
  return run.send({ type: 'approval.decided', approvalId: state.id, decision, at: decision.at });
}

/** The error `approverFor` throws for `who` (it must throw). */
export function refusal(state: ApprovalState, who: Caller): RiskloopError {
  try {
    approverFor(state, who);
  } catch (error) {
    if (error instanceof RiskloopError) return error;
    throw error;
  }
  throw new Error(`${who.actor} was allowed to decide`);
}

/** When the timer `key` was scheduled for, in ms after `t0`. */
export function dueOf(effects: readonly Effect[], key: string): number {
  const timer = only(effects, 'schedule').find((s) => s.key === key);
  if (!timer) throw new Error(`no timer ${key} among ${JSON.stringify(effects)}`);
  return Date.parse(timer.dueAt) - Date.parse(t0);
}

/** The same members in any order (effects of parallel regions come out in document order today). */
export function expectSameMembers<T>(actual: readonly T[], expected: readonly T[]) {
  expect(actual).toHaveLength(expected.length);
  expect(actual).toEqual(expect.arrayContaining([...expected] as unknown[]));
}
