/**
 * Compile a workflow version into an XState machine. Pure: no I/O, no clock, no timers. Each step is a
 * state (id `step_<id>`, so `on_error: { goto }` can target it): a leaf's behaviours live in `leaf.ts`; a
 * `branch` is a compound state whose cases are child sequences chosen by CEL on entry; a `parallel` is a
 * parallel state with one region per branch, joined when all (`onDone`) or any (a guard) finished. Every
 * behaviour returns context changes and effects; the effects come out of `transition()` as `effect`
 * actions that the host carries out after the commit.
 */
import type { Step, StepRecord, WorkflowDefinition } from '@riskloop/contracts';
import { compileExpression } from '@riskloop/expr';
import { describeError } from '@riskloop/kit';
import { assign, not, or, setup, stateIn } from 'xstate';
import { enterLeaf, leaveLeaf, onDecision, onResult, onSignal, onTimer, signalMatches } from './leaf.ts';
import { eventTime, expressionContext } from './scope.ts';
import type { Change, Effect, RunContext, RunEvent, RunInput } from './types.ts';

const stateKey = (stepId: string) => `step_${stepId}`;
const stateRef = (stepId: string) => `#${stateKey(stepId)}`;
const ends = ['succeeded', 'failed', 'cancelled'] as const;

/** An outside event (or the init event, whose input has the start time), not one of XState's own. */
const hasTime = (event: unknown) => {
  const e = event as { at?: string; input?: { at?: string } };
  return e.at !== undefined || e.input?.at !== undefined;
};

type Guard = (args: { context: RunContext; event: RunEvent }) => boolean;

export function compileWorkflow(definition: WorkflowDefinition) {
  const machineSetup = setup({
    types: { context: {} as RunContext, events: {} as RunEvent, input: {} as RunInput },
    actions: {
      // Recorded, never executed inside a transition: the host reads them from the returned actions.
      effect: (_: unknown, _params: Effect) => undefined,
    },
    guards: {
      // XState's pure `transition()` still takes root transitions once the machine is done.
      finished: or(ends.map((end) => stateIn(`#run.${end}`))),
    },
  });

  /**
   * Turn a behaviour into an action that assigns its changes and enqueues its effects. XState's own done
   * events (a region or a container finishing) carry no time: they happen when the event that led to them
   * did, which the context keeps as `clock` (an action with the outside event always runs first).
   */
  const act = (behaviour: (context: RunContext, event: RunEvent) => Change) =>
    machineSetup.enqueueActions(({ context, event, enqueue }) => {
      const timed = hasTime(event) ? event : ({ ...event, at: context.clock } as RunEvent);
      const { update, effects } = behaviour(context, timed);
      const clock = hasTime(event) && context.clock !== eventTime(event) ? { clock: eventTime(event) } : {};
      if ((update && Object.keys(update).length > 0) || 'clock' in clock)
        enqueue.assign({ ...update, ...clock });
      for (const params of effects ?? []) enqueue({ type: 'effect', params });
    });

  const status = (context: RunContext, stepId: string) => context.steps[stepId]?.status;

  /** Where a failed step goes: on past it (`continue`), back or ahead (`goto`, bounded), or the run fails. */
  const failureRoutes = (step: Step, next: string) => {
    const isFailed: Guard = ({ context }) => status(context, step.id) === 'failed';
    const onError = step.on_error;
    if (onError === 'continue') return [{ guard: isFailed, target: next }];
    if (onError && typeof onError === 'object') {
      const limit = onError.max_loops ?? 1;
      return [
        {
          guard: (args: { context: RunContext; event: RunEvent }) =>
            isFailed(args) && (args.context.loops?.[step.id] ?? 0) < limit,
          target: stateRef(onError.goto),
          // A jump to the failing step itself must leave and enter it again, to start a new attempt.
          reenter: true,
          actions: assign({
            loops: ({ context }: { context: RunContext }) => ({
              ...context.loops,
              [step.id]: (context.loops?.[step.id] ?? 0) + 1,
            }),
          }),
        },
        {
          guard: isFailed,
          target: '#run.failed',
          actions: assign({
            error: ({ context }: { context: RunContext }) => ({
              code: 'loop_limit',
              message: `step ${step.id} failed again after going to ${onError.goto} ${limit} times: ${
                context.steps[step.id]?.error?.message ?? ''
              }`,
            }),
          }),
        },
      ];
    }
    return [{ guard: isFailed, target: '#run.failed' }];
  };

  /** Leave a step whose record settled this macrostep: terminate, carry on, retry, or fail. */
  const routes = (step: Step, next: string) => [
    ...ends.map((end) => ({
      guard: ({ context }: { context: RunContext }) =>
        status(context, step.id) === 'succeeded' && context.end === end,
      target: `#run.${end}`,
    })),
    {
      guard: ({ context }: { context: RunContext }) =>
        status(context, step.id) === 'succeeded' || status(context, step.id) === 'skipped',
      target: next,
    },
    {
      guard: ({ context }: { context: RunContext }) => context.retryDue?.[step.id] === true,
      target: stateRef(step.id),
      reenter: true,
    },
    ...failureRoutes(step, next),
  ];

  const isCurrent =
    (stepId: string): Guard =>
    ({ context, event }) =>
      'stepId' in event &&
      event.stepId === stepId &&
      'attempt' in event &&
      event.attempt === context.steps[stepId]?.attempts &&
      context.steps[stepId]?.status === 'running';

  const leaf = (step: Step, next: string) => ({
    id: stateKey(step.id),
    entry: act((context, event) => enterLeaf(step, context, event)),
    exit: act((context, event) => leaveLeaf(step, context, event)),
    always: routes(step, next),
    on: {
      'step.succeeded': { guard: isCurrent(step.id), actions: act((c, e) => onResult(step, c, e)) },
      'step.failed': { guard: isCurrent(step.id), actions: act((c, e) => onResult(step, c, e)) },
      'timer.fired': {
        guard: ({ context, event }: { context: RunContext; event: RunEvent }) =>
          event.type === 'timer.fired' && context.timers?.[event.key] === step.id,
        actions: act((c, e) => (e.type === 'timer.fired' ? onTimer(step, c, e) : {})),
      },
      'approval.decided': {
        guard: ({ context, event }: { context: RunContext; event: RunEvent }) =>
          event.type === 'approval.decided' && context.approvals?.[step.id]?.id === event.approvalId,
        actions: act((c, e) => (e.type === 'approval.decided' ? onDecision(step, c, e) : {})),
      },
      signal: {
        guard: ({ context, event }: { context: RunContext; event: RunEvent }) =>
          event.type === 'signal' && signalMatches(step, context, event),
        actions: act((c, e) => (e.type === 'signal' ? onSignal(step, c, e) : {})),
      },
    },
  });

  /** A container's own record: entered (or skipped by its `if`), and for a branch the chosen case. */
  const enterContainer = (step: Step) =>
    act((context, event) => {
      const at = eventTime(event);
      const record: StepRecord = {
        id: step.id,
        type: step.type,
        status: 'running',
        attempts: (context.steps[step.id]?.attempts ?? 0) + 1,
        startedAt: at,
      };
      const base = { path: [...context.path, step.id] };
      const scope = expressionContext(context, at);
      try {
        if (step.if !== undefined && compileExpression(step.if)(scope) !== true) {
          return {
            update: {
              ...base,
              steps: { ...context.steps, [step.id]: { ...record, status: 'skipped', finishedAt: at } },
            },
          };
        }
        if (step.type !== 'branch') {
          return {
            update: {
              ...base,
              joined: { ...context.joined, [step.id]: 0 },
              steps: { ...context.steps, [step.id]: record },
            },
          };
        }
        const index = step.branch.cases.findIndex((c) => compileExpression(c.if)(scope) === true);
        const chosen = index >= 0 ? index : -1;
        const input = { case: index >= 0 ? index : step.branch.default ? 'default' : 'none' };
        return {
          update: {
            ...base,
            chosen: { ...context.chosen, [step.id]: chosen },
            steps: { ...context.steps, [step.id]: { ...record, input } },
          },
        };
      } catch (cause) {
        const error = { code: 'expression_failed', message: describeError(cause) };
        const failedRecord: StepRecord = { ...record, status: 'failed', error, finishedAt: at };
        return {
          update: {
            ...base,
            steps: { ...context.steps, [step.id]: failedRecord },
            ...(step.on_error === 'continue'
              ? {}
              : { error: { code: error.code, message: `step ${step.id}: ${error.message}` } }),
          },
        };
      }
    });

  /**
   * Close a container's record: at its `done` state it succeeded; left any other way (exit), it was cut
   * short by a terminate inside it (succeeded), a failure (failed), a cancel or an abandoned branch.
   */
  const finishContainer = (step: Step, how: 'done' | 'exit') =>
    act((context, event) => {
      const record = context.steps[step.id];
      if (!record || record.status !== 'running') return {};
      const status =
        how === 'done'
          ? 'succeeded'
          : event.type === 'run.cancel'
            ? 'cancelled'
            : context.end
              ? 'succeeded'
              : context.error
                ? 'failed'
                : 'cancelled';
      const at = eventTime(event);
      const output =
        step.type === 'branch'
          ? { case: record.input && (record.input as { case: unknown }).case }
          : { joined: context.joined?.[step.id] ?? 0 };
      return {
        update: {
          steps: {
            ...context.steps,
            [step.id]: {
              ...record,
              status,
              output,
              finishedAt: at,
              durationMs: Date.parse(at) - Date.parse(record.startedAt ?? at),
            },
          },
        },
      };
    });

  const joinOne = (stepId: string) =>
    assign({
      joined: ({ context }: { context: RunContext }) => ({
        ...context.joined,
        [stepId]: (context.joined?.[stepId] ?? 0) + 1,
      }),
    });

  const region = (steps: Step[], onFinal?: ReturnType<typeof joinOne>) => {
    const first = steps[0] as Step;
    return {
      initial: stateKey(first.id),
      states: { ...sequence(steps, 'done'), done: { type: 'final', ...(onFinal ? { entry: onFinal } : {}) } },
    };
  };

  const container = (step: Extract<Step, { type: 'branch' | 'parallel' }>, next: string) => {
    const doneRef = `${stateRef(step.id)}.done`;
    let body: object;
    if (step.type === 'branch') {
      const cases = step.branch.cases.map(
        (c, i) => [`case_${i}`, { ...region(c.steps), onDone: doneRef }] as const,
      );
      const fallback = step.branch.default
        ? [['default', { ...region(step.branch.default), onDone: doneRef }] as const]
        : [];
      body = {
        initial: 'choose',
        states: {
          choose: {
            always: [
              ...step.branch.cases.map((_, i) => ({
                guard: ({ context }: { context: RunContext }) => context.chosen?.[step.id] === i,
                target: `case_${i}`,
              })),
              ...(step.branch.default ? [{ target: 'default' }] : [{ target: doneRef }]),
            ],
          },
          ...Object.fromEntries([...cases, ...fallback]),
        },
      };
    } else {
      const join = step.parallel.join;
      body = {
        type: 'parallel',
        states: Object.fromEntries(
          step.parallel.branches.map((b, i) => [`branch_${i}`, region(b.steps, joinOne(step.id))]),
        ),
        onDone: doneRef,
        ...(join === 'any'
          ? {
              always: {
                guard: ({ context }: { context: RunContext }) => (context.joined?.[step.id] ?? 0) >= 1,
                target: doneRef,
              },
            }
          : {}),
      };
    }
    return {
      id: stateKey(step.id),
      initial: 'gate',
      entry: enterContainer(step),
      exit: finishContainer(step, 'exit'),
      states: {
        gate: {
          always: [
            {
              guard: ({ context }: { context: RunContext }) => status(context, step.id) === 'skipped',
              target: 'done',
            },
            ...(step.on_error === 'continue'
              ? [
                  {
                    guard: ({ context }: { context: RunContext }) => status(context, step.id) === 'failed',
                    target: 'done',
                  },
                ]
              : [
                  {
                    guard: ({ context }: { context: RunContext }) => status(context, step.id) === 'failed',
                    target: '#run.failed',
                  },
                ]),
            { target: 'body' },
          ],
        },
        body,
        done: { type: 'final', entry: finishContainer(step, 'done') },
      },
      onDone: next,
    };
  };

  function sequence(steps: Step[], last: string): Record<string, object> {
    const states: Record<string, object> = {};
    steps.forEach((step, index) => {
      const following = steps[index + 1];
      const next = following ? stateKey(following.id) : last;
      states[stateKey(step.id)] =
        step.type === 'branch' || step.type === 'parallel' ? container(step, next) : leaf(step, next);
    });
    return states;
  }

  const first = definition.steps[0];
  return machineSetup.createMachine({
    id: 'run',
    context: ({ input }) => ({
      runId: input.runId,
      tenant: input.tenant,
      workflowId: input.workflowId,
      version: input.version,
      trigger: input.trigger,
      steps: {},
      path: [],
    }),
    initial: first ? stateKey(first.id) : 'succeeded',
    states: {
      ...sequence(definition.steps, 'succeeded'),
      succeeded: { type: 'final' },
      failed: { type: 'final' },
      cancelled: { type: 'final' },
    } as never,
    on: {
      'run.cancel': {
        guard: not('finished'),
        target: '.cancelled',
        actions: assign({
          end: 'cancelled' as const,
          error: ({ event }) => ({
            code: 'cancelled',
            message: `cancelled by ${event.actor}${event.reason ? `: ${event.reason}` : ''}`,
          }),
        }),
      },
    },
  });
}

export type RunMachine = ReturnType<typeof compileWorkflow>;
