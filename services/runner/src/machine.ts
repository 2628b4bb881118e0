/**
 * Compile a workflow version into an XState machine. Pure: no I/O, no clock (time arrives on events), no
 * timers. Each step is a state whose entry records the step's rendered input and asks the host to
 * `dispatch` it; the host turns that action into a step command in the outbox after the commit
 * (DESIGN.md, durability rule 7). Results come back as events.
 */
import {
  stepExecutorOf,
  type Step,
  type StepRecord,
  type TriggerInfo,
  type WorkflowDefinition,
} from '@riskloop/contracts';
import { compileExpression, renderTemplate } from '@riskloop/expr';
import { describeError } from '@riskloop/kit';
import { assign, setup } from 'xstate';
import { completeStep, runnerKinds, type Completed } from './runner-steps.ts';

export interface RunInput {
  runId: string;
  tenant: string;
  workflowId: string;
  version: number;
  trigger: TriggerInfo;
  /** When the run started (ISO): the machine's only source of time is its events. */
  at: string;
}

export interface RunContext extends Omit<RunInput, 'at'> {
  steps: Record<string, StepRecord>;
  path: string[];
  /** Run variables set by `set` steps (absent in snapshots written before they existed). */
  vars?: Record<string, unknown>;
  /** How a `terminate` step ended the run. */
  end?: 'succeeded' | 'failed' | 'cancelled';
  error?: { code: string; message: string };
}

export type RunEvent =
  | {
      type: 'step.succeeded';
      at: string;
      stepId: string;
      attempt: number;
      tries: number;
      output: unknown;
      startedAt: string;
      finishedAt: string;
    }
  | {
      type: 'step.failed';
      at: string;
      stepId: string;
      attempt: number;
      tries: number;
      error: { code: string; message: string };
      startedAt: string;
      finishedAt: string;
    };

/** The data of a `dispatch` action: what the host sends to the service that owns the step kind. */
export interface DispatchParams {
  stepId: string;
  kind: Step['type'];
  attempt: number;
  input: Record<string, unknown>;
}

const stateOf = (stepId: string) => `step_${stepId}`;

/** The expression context of DESIGN.md: `trigger`, `steps.<id>`, `vars`, `run`, `workflow`, `tenant`, `now`. */
function expressionContext(context: RunContext, now: string): Record<string, unknown> {
  const steps = Object.fromEntries(
    Object.values(context.steps).map((s) => [s.id, { status: s.status, output: s.output ?? null }]),
  );
  return {
    trigger: context.trigger.payload,
    steps,
    vars: context.vars ?? {},
    run: { id: context.runId },
    workflow: { id: context.workflowId, version: context.version },
    tenant: { id: context.tenant },
    now,
  };
}

/** The step's own parameters: the object under its type's key (`webhook: {...}`). */
function stepParameters(step: Step): Record<string, unknown> {
  return ((step as unknown as Record<string, unknown>)[step.type] ?? {}) as Record<string, unknown>;
}

/** Does the run carry on after this step failed? (`on_error: continue`) */
const continuesOnError = (step: Step) => step.on_error === 'continue';

function eventTime(event: unknown): string {
  const e = event as { at?: string; input?: { at?: string } };
  return e.at ?? e.input?.at ?? new Date(0).toISOString();
}

export function compileWorkflow(definition: WorkflowDefinition) {
  const machineSetup = setup({
    types: {
      context: {} as RunContext,
      events: {} as RunEvent,
      input: {} as RunInput,
    },
    actions: {
      // Recorded, never executed inside a transition: the host reads it from the returned actions.
      dispatch: (_: unknown, _params: DispatchParams) => undefined,
    },
  });

  const enterStep = (step: Step) =>
    assign(({ context, event }: { context: RunContext; event: unknown }) => {
      const at = eventTime(event);
      const previous = context.steps[step.id];
      const attempt = (previous?.attempts ?? 0) + 1;
      const scope = expressionContext(context, at);
      let input: Record<string, unknown> | undefined;
      let error: StepRecord['error'];
      let skipped = false;
      let completed: Completed | undefined;
      try {
        skipped = step.if !== undefined && compileExpression(step.if)(scope) !== true;
        if (skipped) {
          // nothing to do
        } else if (runnerKinds.has(step.type)) {
          completed = completeStep(step, scope);
          input = completed.input;
        } else if (!stepExecutorOf(step.type)) {
          error = {
            code: 'step_kind_unavailable',
            message: `${step.type} steps cannot run yet: no riskloop service executes them`,
          };
        } else {
          input = renderTemplate(stepParameters(step), scope) as Record<string, unknown>;
        }
      } catch (cause) {
        error = { code: 'template_failed', message: describeError(cause) };
        completed = undefined;
      }
      const status: StepRecord['status'] = skipped
        ? 'skipped'
        : error
          ? 'failed'
          : completed
            ? 'succeeded'
            : 'running';
      const record: StepRecord = {
        id: step.id,
        type: step.type,
        status,
        ...(input ? { input } : {}),
        ...(completed ? { output: completed.output, durationMs: 0 } : {}),
        ...(error ? { error } : {}),
        ...(status === 'running' ? {} : { finishedAt: at }),
        attempts: attempt,
        startedAt: at,
      };
      const end = completed?.end;
      const failsRun = error !== undefined && !continuesOnError(step) ? error : undefined;
      return {
        steps: { ...context.steps, [step.id]: record },
        path: [...context.path, step.id],
        ...(completed?.vars ? { vars: { ...context.vars, ...completed.vars } } : {}),
        ...(end ? { end: end.status } : {}),
        ...(end && end.status !== 'succeeded'
          ? {
              error: {
                code: `terminated_${end.status}`,
                message: `step ${step.id}: ${end.reason ?? `the run was ${end.status}`}`,
              },
            }
          : {}),
        ...(failsRun
          ? { error: { code: failsRun.code, message: `step ${step.id}: ${failsRun.message}` } }
          : {}),
      };
    });

  const finishStep = (stepId: string, continueOnError: boolean) =>
    assign(({ context, event }: { context: RunContext; event: RunEvent }) => {
      const previous = context.steps[stepId];
      if (!previous) return {};
      const ok = event.type === 'step.succeeded';
      const record: StepRecord = {
        ...previous,
        status: ok ? 'succeeded' : 'failed',
        ...(ok ? { output: event.output } : { error: event.error }),
        tries: event.tries,
        finishedAt: event.finishedAt,
        durationMs: Date.parse(event.finishedAt) - Date.parse(previous.startedAt ?? event.startedAt),
      };
      return {
        steps: { ...context.steps, [stepId]: record },
        ...(ok || continueOnError
          ? {}
          : { error: { code: event.error.code, message: `step ${stepId}: ${event.error.message}` } }),
      };
    });

  const isCurrent =
    (stepId: string) =>
    ({ context, event }: { context: RunContext; event: RunEvent }) =>
      event.stepId === stepId && event.attempt === context.steps[stepId]?.attempts;

  const states: Record<string, object> = {};
  definition.steps.forEach((step, index) => {
    const next = definition.steps[index + 1];
    const onSuccess = next ? stateOf(next.id) : 'succeeded';
    const onFailure = continuesOnError(step) ? onSuccess : 'failed';
    states[stateOf(step.id)] = {
      entry: [
        enterStep(step),
        // Only a step whose input rendered is dispatched; a template failure fails the run instead.
        machineSetup.enqueueActions(({ context, enqueue }) => {
          const record = context.steps[step.id];
          if (record?.status !== 'running') return;
          enqueue({
            type: 'dispatch',
            params: {
              stepId: step.id,
              kind: step.type,
              attempt: record.attempts,
              input: (record.input as Record<string, unknown> | undefined) ?? {},
            },
          });
        }),
      ],
      always: [
        ...(['succeeded', 'failed', 'cancelled'] as const).map((end) => ({
          guard: ({ context }: { context: RunContext }) =>
            context.steps[step.id]?.status === 'succeeded' && context.end === end,
          target: end,
        })),
        {
          // Skipped, or completed by the runner in this very transition.
          guard: ({ context }: { context: RunContext }) =>
            context.steps[step.id]?.status === 'skipped' || context.steps[step.id]?.status === 'succeeded',
          target: onSuccess,
        },
        {
          guard: ({ context }: { context: RunContext }) => context.steps[step.id]?.status === 'failed',
          target: onFailure,
        },
      ],
      on: {
        'step.succeeded': {
          guard: isCurrent(step.id),
          target: onSuccess,
          actions: finishStep(step.id, continuesOnError(step)),
        },
        'step.failed': {
          guard: isCurrent(step.id),
          target: onFailure,
          actions: finishStep(step.id, continuesOnError(step)),
        },
      },
    };
  });

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
    initial: first ? stateOf(first.id) : 'succeeded',
    states: {
      ...states,
      succeeded: { type: 'final' },
      failed: { type: 'final' },
      cancelled: { type: 'final' },
    } as never,
  });
}

export type RunMachine = ReturnType<typeof compileWorkflow>;
