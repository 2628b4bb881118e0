/**
 * Behaviours of a leaf step (every kind but `branch` and `parallel`), as pure functions from the context
 * and the event to a `Change`. Entering renders the input and either completes the step (runner kinds),
 * dispatches it (kinds another service executes), opens an approval or starts a wait. Leaving cancels
 * whatever the step still holds (timers, a wait, an open approval), which is how cancel and a
 * `join: any` stop the rest.
 */
import { durationMs, stepExecutorOf, type Step, type StepRecord } from '@riskloop/contracts';
import { compileExpression, renderTemplate } from '@riskloop/expr';
import { describeError } from '@riskloop/kit';
import { completeStep, runnerKinds } from '../runner-steps.ts';
import {
  applyDecision,
  approvalOutput,
  neededApprovals,
  recipientsOf,
  resolveApprovers,
} from './approvals.ts';
import {
  addMs,
  backoffMs,
  derivedId,
  eventTime,
  expressionContext,
  isEvent,
  stepParameters,
  timerKey,
  timerPurpose,
} from './scope.ts';
import type { ApprovalState, Change, Effect, RunContext, RunEvent } from './types.ts';

type StepError = { code: string; message: string };

const defaultRetry = { attempts: 1, initial: '1s', max: '1m' } as const;

/** A failure that ends the run sets the run's error; `on_error: continue` or `goto` do not. */
const failsRun = (step: Step) => step.on_error === undefined || step.on_error === 'fail';

const without = <T>(record: Record<string, T> | undefined, key: string): Record<string, T> => {
  const { [key]: _, ...rest } = record ?? {};
  return rest;
};

function put(context: RunContext, record: StepRecord, extra: Partial<RunContext> = {}): Partial<RunContext> {
  return { steps: { ...context.steps, [record.id]: record }, ...extra };
}

function failed(step: Step, context: RunContext, record: StepRecord, error: StepError, at: string) {
  return put(
    context,
    {
      ...record,
      status: 'failed',
      error,
      finishedAt: at,
      durationMs: Date.parse(at) - Date.parse(record.startedAt ?? at),
    },
    failsRun(step) ? { error: { code: error.code, message: `step ${step.id}: ${error.message}` } } : {},
  );
}

function succeeded(context: RunContext, record: StepRecord, output: unknown, at: string, extra = {}) {
  const { error: _, ...rest } = record;
  return put(
    context,
    {
      ...rest,
      status: 'succeeded',
      output,
      finishedAt: at,
      durationMs: Date.parse(at) - Date.parse(record.startedAt ?? at),
    },
    extra,
  );
}

/** Add timers to the context and ask the host to store them. */
function schedule(context: RunContext, stepId: string, timers: { key: string; dueAt: string }[]): Change {
  return {
    update: { timers: { ...context.timers, ...Object.fromEntries(timers.map((t) => [t.key, stepId])) } },
    effects: timers.map((t) => ({ type: 'schedule', key: t.key, stepId, dueAt: t.dueAt })),
  };
}

function merge(...changes: Change[]): Change {
  return changes.reduce<Change>(
    (all, c) => ({
      update: { ...all.update, ...c.update },
      effects: [...(all.effects ?? []), ...(c.effects ?? [])],
    }),
    {},
  );
}

export function enterLeaf(step: Step, context: RunContext, event: unknown): Change {
  const at = eventTime(event);
  const attempt = (context.steps[step.id]?.attempts ?? 0) + 1;
  const record: StepRecord = {
    id: step.id,
    type: step.type,
    status: 'running',
    attempts: attempt,
    startedAt: at,
  };
  const entered: RunContext = {
    ...context,
    path: [...context.path, step.id],
    retryDue: without(context.retryDue, step.id),
  };
  const base = { path: entered.path, retryDue: entered.retryDue };
  const scope = expressionContext(context, at);
  try {
    if (step.if !== undefined && compileExpression(step.if)(scope) !== true) {
      return { update: { ...base, ...put(entered, { ...record, status: 'skipped', finishedAt: at }) } };
    }
    if (runnerKinds.has(step.type))
      return { update: { ...base, ...completeRunnerStep(step, entered, record, scope, at) } };
    if (step.type === 'wait') return withBase(base, enterWait(step, entered, record, scope, at));
    if (step.type === 'approval') return withBase(base, enterApproval(step, entered, record, scope, at));
    if (!stepExecutorOf(step.type)) {
      const error = {
        code: 'step_kind_unavailable',
        message: `${step.type} steps cannot run yet: no riskloop service executes them`,
      };
      return { update: { ...base, ...failed(step, entered, record, error, at) } };
    }
    const input = renderTemplate(stepParameters(step), scope) as Record<string, unknown>;
    const running = { ...record, input };
    const dispatch: Effect = { type: 'dispatch', stepId: step.id, kind: step.type, attempt, input };
    const timeout = step.timeout
      ? schedule(entered, step.id, [
          { key: timerKey('timeout', step.id, attempt), dueAt: addMs(at, durationMs(step.timeout)) },
        ])
      : {};
    return withBase(base, merge({ update: put(entered, running), effects: [dispatch] }, timeout));
  } catch (cause) {
    const error = { code: 'template_failed', message: describeError(cause) };
    return { update: { ...base, ...failed(step, entered, record, error, at) } };
  }
}

function withBase(base: Partial<RunContext>, change: Change): Change {
  return { ...change, update: { ...base, ...change.update } };
}

function completeRunnerStep(
  step: Step,
  context: RunContext,
  record: StepRecord,
  scope: Record<string, unknown>,
  at: string,
): Partial<RunContext> {
  const done = completeStep(step, scope);
  const end = done.end;
  return {
    ...succeeded(context, { ...record, input: done.input }, done.output, at),
    ...(done.vars ? { vars: { ...context.vars, ...done.vars } } : {}),
    ...(end ? { end: end.status } : {}),
    ...(end && end.status !== 'succeeded'
      ? {
          error: {
            code: `terminated_${end.status}`,
            message: `step ${step.id}: ${end.reason ?? `the run was ${end.status}`}`,
          },
        }
      : {}),
  };
}

function enterWait(
  step: Extract<Step, { type: 'wait' }>,
  context: RunContext,
  record: StepRecord,
  scope: Record<string, unknown>,
  at: string,
): Change {
  const wait = step.wait;
  const waiting: StepRecord = { ...record, status: 'waiting' };
  if (wait.event) {
    const limit = wait.timeout ?? step.timeout;
    const input = { event: wait.event.type, ...(limit ? { timeout: limit } : {}) };
    const timers = limit
      ? schedule(context, step.id, [
          { key: timerKey('timeout', step.id, record.attempts), dueAt: addMs(at, durationMs(limit)) },
        ])
      : {};
    return merge(
      {
        update: {
          ...put(context, { ...waiting, input }),
          waits: {
            ...context.waits,
            [step.id]: {
              eventType: wait.event.type,
              ...(wait.event.condition ? { condition: wait.event.condition } : {}),
            },
          },
        },
        effects: [{ type: 'await', stepId: step.id, eventType: wait.event.type }],
      },
      timers,
    );
  }
  const dueAt = wait.for ? addMs(at, durationMs(wait.for)) : untilTime(renderTemplate(wait.until, scope));
  return merge(
    { update: put(context, { ...waiting, input: { until: dueAt } }) },
    schedule(context, step.id, [{ key: timerKey('wait', step.id, record.attempts), dueAt }]),
  );
}

function untilTime(value: unknown): string {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new Error(`wait.until rendered to ${JSON.stringify(value)}, not an ISO time`);
  return new Date(ms).toISOString();
}

function enterApproval(
  step: Extract<Step, { type: 'approval' }>,
  context: RunContext,
  record: StepRecord,
  scope: Record<string, unknown>,
  at: string,
): Change {
  const params = step.approval;
  const approvers = resolveApprovers(params.approvers, scope);
  const payloadRequester = (context.trigger.payload as { requester?: unknown }).requester;
  const requesters = [
    context.trigger.actor,
    typeof payloadRequester === 'string' ? payloadRequester : undefined,
  ].filter((x): x is string => Boolean(x));
  const message = params.message === undefined ? undefined : String(renderTemplate(params.message, scope));
  const dueAt = params.timeout ? addMs(at, durationMs(params.timeout)) : undefined;
  const approval: ApprovalState = {
    id: derivedId(context.runId, step.id, String(record.attempts)),
    stepId: step.id,
    attempt: record.attempts,
    ...(message === undefined ? {} : { message }),
    approvers,
    order: params.order,
    mode: params.mode,
    needed: neededApprovals(params, approvers),
    requesters,
    decisions: [],
    status: 'pending',
    escalated: false,
    ...(dueAt ? { dueAt } : {}),
    reminders: 0,
    createdAt: at,
  };
  const timers = [
    ...(dueAt ? [{ key: timerKey('approval-timeout', step.id, record.attempts, 0), dueAt }] : []),
    ...(params.remind_every
      ? [
          {
            key: timerKey('remind', step.id, record.attempts, 1),
            dueAt: addMs(at, durationMs(params.remind_every)),
          },
        ]
      : []),
  ];
  const input = {
    approvers,
    order: params.order,
    mode: params.mode,
    needed: approval.needed,
    ...(message === undefined ? {} : { message }),
    ...(dueAt ? { dueAt } : {}),
  };
  return merge(
    {
      update: {
        ...put(context, { ...record, status: 'waiting', input, output: approvalOutput(approval) }),
        approvals: { ...context.approvals, [step.id]: approval },
      },
      effects: [{ type: 'approval', approval }, ...notification(context, approval, 'requested', 0)],
    },
    schedule(context, step.id, timers),
  );
}

/** Ask the relay to tell the undecided approvers (only when a service executes `notify`). */
function notification(context: RunContext, approval: ApprovalState, what: string, n: number): Effect[] {
  const to = recipientsOf(approval);
  if (!stepExecutorOf('notify') || to.length === 0) return [];
  const text = approval.message ?? `Run ${context.runId} is waiting for your approval.`;
  return [
    {
      type: 'notify',
      key: `${approval.id}:${what}:${n}`,
      stepId: approval.stepId,
      to,
      subject: what === 'requested' ? 'Approval requested' : 'Reminder: approval waiting for your decision',
      message: `${text}\n\nDecide with POST /api/approvals/${approval.id}/decisions.`,
    },
  ];
}

/**
 * Does a success of this kind go to the KRI emitter, whose definitions may map it to a KRI event? Every
 * kind another service executes, except `emit_kri` (it emits by itself).
 */
const mapsToKri = (kind: string) => kind !== 'emit_kri' && stepExecutorOf(kind) !== undefined;

/** A result from the service that executed the step. */
export function onResult(step: Step, context: RunContext, event: RunEvent): Change {
  const record = context.steps[step.id];
  if (!record) return {};
  const at = eventTime(event);
  const tries = { tries: (event as { tries?: number }).tries ?? 0 };
  if (isEvent(event, 'step.succeeded'))
    return {
      update: succeeded(context, { ...record, ...tries }, event.output, event.finishedAt),
      effects: mapsToKri(record.type)
        ? [
            {
              type: 'result',
              // one per pass through the step: a loop (`on_error: goto`) re-enters it further down the path
              id: derivedId(context.runId, step.id, String(record.attempts), String(context.path.length)),
              stepId: step.id,
              kind: record.type,
              output: event.output,
              at: event.finishedAt,
            },
          ]
        : [],
    };
  if (isEvent(event, 'step.failed'))
    return { update: failed(step, context, { ...record, ...tries }, event.error, event.finishedAt) };
  return { update: { steps: { ...context.steps, [step.id]: { ...record, finishedAt: at } } } };
}

export function onTimer(
  step: Step,
  context: RunContext,
  event: Extract<RunEvent, { type: 'timer.fired' }>,
): Change {
  const record = context.steps[step.id];
  if (!record) return {};
  const at = event.at;
  const fired: Partial<RunContext> = { timers: without(context.timers, event.key) };
  const now: RunContext = { ...context, ...fired };
  switch (timerPurpose(event.key)) {
    case 'wait':
      return { update: { ...fired, ...succeeded(now, record, { waitedUntil: at }, at) } };
    case 'retry':
      return { update: { ...fired, retryDue: { ...context.retryDue, [step.id]: true } } };
    case 'timeout':
      return withBase(fired, timedOut(step, now, record, at));
    case 'approval-timeout':
      return withBase(fired, approvalTimedOut(step, now, at));
    case 'remind':
      return withBase(fired, remind(step, now, at));
    default:
      return { update: fired };
  }
}

function timedOut(step: Step, context: RunContext, record: StepRecord, at: string): Change {
  if (step.type === 'wait') {
    const error = { code: 'wait_timeout', message: `no ${step.wait.event?.type} event arrived in time` };
    return { update: failed(step, context, record, error, at) };
  }
  const retry = step.retry ?? defaultRetry;
  const error = { code: 'step_timeout', message: `no result within ${step.timeout}` };
  if (record.attempts >= retry.attempts) return { update: failed(step, context, record, error, at) };
  const delay = backoffMs(retry, record.attempts, `${context.runId}:${step.id}:${record.attempts}`);
  const change = schedule(context, step.id, [
    { key: timerKey('retry', step.id, record.attempts), dueAt: addMs(at, delay) },
  ]);
  return merge({ update: put(context, { ...record, status: 'waiting', error }) }, change);
}

function approvalTimedOut(step: Step, context: RunContext, at: string): Change {
  const state = context.approvals?.[step.id];
  if (step.type !== 'approval' || !state || state.status !== 'pending') return {};
  const params = step.approval;
  if (params.on_timeout === 'escalate' && !state.escalated && params.escalate_to?.length) {
    const approvers = resolveApprovers(params.escalate_to, expressionContext(context, at));
    const dueAt = addMs(at, durationMs(params.timeout ?? '1d'));
    const escalated: ApprovalState = {
      ...state,
      approvers,
      needed: neededApprovals(params, approvers),
      decisions: [],
      escalated: true,
      dueAt,
    };
    return merge(
      {
        update: { approvals: { ...context.approvals, [step.id]: escalated } },
        effects: [
          { type: 'approval', approval: escalated },
          ...notification(context, escalated, 'escalated', 0),
        ],
      },
      schedule(context, step.id, [{ key: timerKey('approval-timeout', step.id, state.attempt, 1), dueAt }]),
    );
  }
  const status = params.on_timeout === 'approve' ? 'approved' : 'timed_out';
  return settle(step, context, { ...state, status, decidedAt: at }, at);
}

function remind(step: Step, context: RunContext, at: string): Change {
  const state = context.approvals?.[step.id];
  if (step.type !== 'approval' || !state || state.status !== 'pending' || !step.approval.remind_every)
    return {};
  const n = state.reminders + 1;
  const next = { ...state, reminders: n };
  return merge(
    {
      update: { approvals: { ...context.approvals, [step.id]: next } },
      effects: notification(context, next, 'reminder', n),
    },
    schedule(context, step.id, [
      {
        key: timerKey('remind', step.id, state.attempt, n + 1),
        dueAt: addMs(at, durationMs(step.approval.remind_every)),
      },
    ]),
  );
}

/** A settled approval completes its step: the outcome is the output, for later `if`s and branches. */
function settle(step: Step, context: RunContext, state: ApprovalState, at: string): Change {
  const record = context.steps[step.id];
  if (!record) return {};
  return {
    update: succeeded(context, record, approvalOutput(state), at, {
      approvals: { ...context.approvals, [step.id]: state },
    }),
    effects: [{ type: 'approval', approval: state }],
  };
}

export function onDecision(
  step: Step,
  context: RunContext,
  event: Extract<RunEvent, { type: 'approval.decided' }>,
): Change {
  const state = context.approvals?.[step.id];
  if (!state || state.status !== 'pending') return {};
  const next = applyDecision(state, event.decision);
  if (next.status !== 'pending') return settle(step, context, next, event.at);
  const record = context.steps[step.id];
  return {
    update: {
      approvals: { ...context.approvals, [step.id]: next },
      ...(record ? put(context, { ...record, output: approvalOutput(next) }) : {}),
    },
    effects: [{ type: 'approval', approval: next }],
  };
}

/** Does this outside event end the step's wait? */
export function signalMatches(
  step: Step,
  context: RunContext,
  event: Extract<RunEvent, { type: 'signal' }>,
): boolean {
  const wait = context.waits?.[step.id];
  if (!wait || wait.eventType !== event.eventType) return false;
  if (!wait.condition) return true;
  try {
    return (
      compileExpression(wait.condition)({ ...expressionContext(context, event.at), event: event.data }) ===
      true
    );
  } catch {
    return false;
  }
}

export function onSignal(
  step: Step,
  context: RunContext,
  event: Extract<RunEvent, { type: 'signal' }>,
): Change {
  const record = context.steps[step.id];
  if (!record) return {};
  return {
    update: succeeded(
      context,
      record,
      { event: event.data, eventType: event.eventType, sourceId: event.sourceId },
      event.at,
      {
        waits: without(context.waits, step.id),
      },
    ),
    effects: [{ type: 'unawait', stepId: step.id }],
  };
}

/** Leaving the step: drop its timers, its wait and an approval still open; a step still going is cancelled. */
export function leaveLeaf(step: Step, context: RunContext, event: unknown): Change {
  const at = eventTime(event);
  const keys = Object.entries(context.timers ?? {})
    .filter(([, owner]) => owner === step.id)
    .map(([key]) => key);
  const effects: Effect[] = keys.map((key) => ({ type: 'unschedule', key }));
  const update: Partial<RunContext> = {};
  if (keys.length > 0)
    update.timers = Object.fromEntries(
      Object.entries(context.timers ?? {}).filter(([, owner]) => owner !== step.id),
    );
  if (context.waits?.[step.id]) {
    update.waits = without(context.waits, step.id);
    effects.push({ type: 'unawait', stepId: step.id });
  }
  const approval = context.approvals?.[step.id];
  if (approval?.status === 'pending') {
    const cancelled: ApprovalState = { ...approval, status: 'cancelled', decidedAt: at };
    update.approvals = { ...context.approvals, [step.id]: cancelled };
    effects.push({ type: 'approval', approval: cancelled });
  }
  const record = context.steps[step.id];
  const retrying = context.retryDue?.[step.id] === true;
  if (record && !retrying && (record.status === 'running' || record.status === 'waiting')) {
    update.steps = { ...context.steps, [step.id]: { ...record, status: 'cancelled', finishedAt: at } };
  }
  return { update, effects };
}
