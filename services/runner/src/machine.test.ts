import { WorkflowDefinition, type WorkflowDefinitionInput } from '@riskloop/contracts';
import { describe, expect, test } from 'vitest';
import { initialTransition, transition } from 'xstate';
import {
  compileWorkflow,
  dispatchesOf,
  type RunEvent,
  type RunInput,
  type RunMachine,
} from './machine/index.ts';
import { createMachineCache } from './machines.ts';

const t0 = '2026-03-01T10:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();

const twoSteps: WorkflowDefinitionInput = {
  name: 'Open and confirm a ticket',
  triggers: [{ type: 'manual' }],
  steps: [
    {
      id: 'open',
      type: 'webhook',
      webhook: {
        url: 'https://tickets.example.test/{{ trigger.queue }}',
        headers: { 'x-run': '{{ run.id }}' },
        body: {
          title: 'Risk {{ trigger.name }} scored {{ trigger.score }}',
          score: '{{ trigger.score }}',
          doubled: '{{ trigger.score * 2 }}',
          tags: ['{{ trigger.name }}', 'static', 7],
          meta: { workflow: '{{ workflow.version }}', tenant: '{{ tenant.id }}', startedAt: '{{ now }}' },
        },
      },
    },
    {
      id: 'confirm',
      type: 'webhook',
      webhook: {
        url: 'https://chat.example.test/post',
        body: {
          ticket: '{{ steps.open.output.body.id }}',
          previous: '{{ steps.open.status }}',
          text: 'Opened {{ steps.open.output.body.id }} for {{ trigger.name }}',
        },
      },
    },
  ],
};

const runInput = (payload: Record<string, unknown> = { name: 'Ada', score: 21, queue: 'grc' }): RunInput => ({
  runId: '0195a3c0-0000-7000-8000-000000000001',
  tenant: 'acme',
  workflowId: '0195a3c0-0000-7000-8000-0000000000aa',
  version: 3,
  trigger: { type: 'manual', sourceId: 'req-1', payload },
  at: t0,
});

const compile = (input: WorkflowDefinitionInput = twoSteps) =>
  compileWorkflow(WorkflowDefinition.parse(input));

const dispatched = (actions: readonly { type: string; params?: unknown }[]) =>
  dispatchesOf(actions).map(({ type: _, ...params }) => params);

const succeeded = (
  stepId: string,
  output: unknown,
  startMs: number,
  endMs: number,
  attempt = 1,
): RunEvent => ({
  type: 'step.succeeded',
  at: at(endMs + 50),
  stepId,
  attempt,
  tries: 1,
  output,
  startedAt: at(startMs),
  finishedAt: at(endMs),
});

const failed = (stepId: string, startMs: number, endMs: number, attempt = 1): RunEvent => ({
  type: 'step.failed',
  at: at(endMs + 50),
  stepId,
  attempt,
  tries: 3,
  error: { code: 'http_503', message: 'HTTP 503: down for maintenance' },
  startedAt: at(startMs),
  finishedAt: at(endMs),
});

/** What the host stores: `{ value, context }` through a JSON column. */
const persisted = (snapshot: { value: unknown; context: unknown }) =>
  JSON.parse(JSON.stringify({ value: snapshot.value, context: snapshot.context })) as Parameters<
    RunMachine['resolveState']
  >[0];

describe('run machine', () => {
  test('dispatches the first step with its templates rendered from the trigger', () => {
    const machine = compile();
    const [snapshot, actions] = initialTransition(machine, runInput());

    expect(snapshot.value).toBe('step_open');
    expect(dispatched(actions)).toEqual([
      {
        stepId: 'open',
        kind: 'webhook',
        attempt: 1,
        input: {
          url: 'https://tickets.example.test/grc',
          method: 'POST',
          headers: { 'x-run': '0195a3c0-0000-7000-8000-000000000001' },
          body: {
            title: 'Risk Ada scored 21',
            score: 21,
            doubled: 42,
            tags: ['Ada', 'static', 7],
            meta: { workflow: 3, tenant: 'acme', startedAt: t0 },
          },
        },
      },
    ]);
    expect(snapshot.context.path).toEqual(['open']);
    expect(snapshot.context.steps.open).toMatchObject({ status: 'running', attempts: 1, startedAt: t0 });
  });

  test('dispatches the second step with the first step output, then succeeds with timings', () => {
    const machine = compile();
    const [started] = initialTransition(machine, runInput());

    const [second, secondActions] = transition(
      machine,
      started,
      succeeded('open', { status: 201, body: { id: 'RISK-7' } }, 100, 1_500),
    );
    expect(second.value).toBe('step_confirm');
    expect(dispatched(secondActions)).toEqual([
      {
        stepId: 'confirm',
        kind: 'webhook',
        attempt: 1,
        input: {
          url: 'https://chat.example.test/post',
          method: 'POST',
          body: { ticket: 'RISK-7', previous: 'succeeded', text: 'Opened RISK-7 for Ada' },
        },
      },
    ]);

    const [done, doneActions] = transition(
      machine,
      second,
      succeeded('confirm', { status: 200, body: null }, 1_600, 2_000),
    );
    expect(done.value).toBe('succeeded');
    expect(done.status).toBe('done');
    expect(dispatched(doneActions)).toEqual([]);
    expect(done.context.path).toEqual(['open', 'confirm']);
    expect(done.context.error).toBeUndefined();
    // A step's clock starts when the runner entered it (run start, then the previous result's event time).
    expect(done.context.steps.open).toMatchObject({
      status: 'succeeded',
      output: { status: 201, body: { id: 'RISK-7' } },
      tries: 1,
      startedAt: t0,
      finishedAt: at(1_500),
      durationMs: 1_500,
    });
    expect(done.context.steps.confirm).toMatchObject({
      status: 'succeeded',
      startedAt: at(1_550),
      finishedAt: at(2_000),
      durationMs: 450,
    });
  });

  test('a failed step fails the run with its error and dispatches nothing further', () => {
    const machine = compile();
    const [started] = initialTransition(machine, runInput());

    const [next, actions] = transition(machine, started, failed('open', 100, 900));

    expect(next.value).toBe('failed');
    expect(next.status).toBe('done');
    expect(dispatched(actions)).toEqual([]);
    expect(next.context.error).toEqual({
      code: 'http_503',
      message: 'step open: HTTP 503: down for maintenance',
    });
    expect(next.context.steps.open).toMatchObject({
      status: 'failed',
      error: { code: 'http_503', message: 'HTTP 503: down for maintenance' },
      tries: 3,
      finishedAt: at(900),
      durationMs: 900,
    });
    expect(next.context.steps.confirm).toBeUndefined();
  });

  test('a result for a stale attempt or another step returns the same snapshot and no actions', () => {
    const machine = compile();
    const [started] = initialTransition(machine, runInput());

    for (const event of [
      succeeded('open', { late: true }, 0, 10, 2),
      succeeded('confirm', {}, 0, 10),
      failed('open', 0, 10, 0),
    ]) {
      const [next, actions] = transition(machine, started, event);
      expect(next).toBe(started);
      expect(actions).toEqual([]);
    }

    // A redelivered result for a step the run has moved past.
    const [second] = transition(machine, started, succeeded('open', { body: { id: 'RISK-7' } }, 0, 10));
    const [again, againActions] = transition(
      machine,
      second,
      succeeded('open', { body: { id: 'OTHER' } }, 0, 20),
    );
    expect(again).toBe(second);
    expect(againActions).toEqual([]);
  });

  test('a result after the run finished changes nothing', () => {
    const machine = compile();
    const [started] = initialTransition(machine, runInput());
    const [done] = transition(machine, started, failed('open', 0, 10));

    const [next, actions] = transition(machine, done, succeeded('open', {}, 0, 20));

    expect(next).toBe(done);
    expect(actions).toEqual([]);
  });

  test('a snapshot persisted as JSON and restored on a freshly compiled machine continues the run', () => {
    const [started] = initialTransition(compile(), runInput());
    const restoredMachine = compile(JSON.parse(JSON.stringify(twoSteps)) as WorkflowDefinitionInput);

    const restored = restoredMachine.resolveState(persisted(started));
    expect(restored.value).toBe('step_open');
    const [second, actions] = transition(
      restoredMachine,
      restored,
      succeeded('open', { body: { id: 'RISK-9' } }, 100, 300),
    );
    expect(second.value).toBe('step_confirm');
    expect(dispatched(actions)).toMatchObject([
      { stepId: 'confirm', attempt: 1, input: { body: { ticket: 'RISK-9' } } },
    ]);

    const [done] = transition(
      restoredMachine,
      restoredMachine.resolveState(persisted(second)),
      succeeded('confirm', { ok: true }, 400, 500),
    );
    expect(done.value).toBe('succeeded');
    expect(done.context.steps.open).toMatchObject({ status: 'succeeded', durationMs: 300 });
    expect(done.context.steps.confirm).toMatchObject({ status: 'succeeded', output: { ok: true } });

    // Stale results are still recognised after a restore.
    const [same, none] = transition(restoredMachine, restored, succeeded('open', {}, 0, 10, 2));
    expect(same).toBe(restored);
    expect(none).toEqual([]);
  });

  // Regression: a step whose input cannot be rendered used to be dispatched anyway, with `input: {}`.
  test('a template that fails to evaluate fails the step and the run with template_failed and dispatches nothing', () => {
    const machine = compile({
      ...twoSteps,
      steps: [
        {
          id: 'open',
          type: 'webhook',
          webhook: { url: 'https://tickets.example.test', body: { owner: '{{ trigger.missing.deep }}' } },
        },
      ],
    });

    const [snapshot, actions] = initialTransition(machine, runInput());

    expect(snapshot.value).toBe('failed');
    expect(dispatched(actions)).toEqual([]);
    expect(snapshot.context.error?.code).toBe('template_failed');
    expect(snapshot.context.error?.message).toMatch(/^step open: .*missing/);
    expect(snapshot.context.steps.open).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'template_failed' },
      finishedAt: t0,
    });
    expect(snapshot.context.steps.open?.input).toBeUndefined();
  });

  test('a template of a later step that fails after an earlier success fails the run without dispatching', () => {
    const machine = compile();
    const [started] = initialTransition(machine, runInput());

    // The first step's output has no `body.id`, which the second step's templates read.
    const [next, actions] = transition(
      machine,
      started,
      succeeded('open', { status: 204, body: null }, 0, 10),
    );

    expect(next.value).toBe('failed');
    expect(dispatched(actions)).toEqual([]);
    expect(next.context.steps.open?.status).toBe('succeeded');
    expect(next.context.steps.confirm).toMatchObject({
      status: 'failed',
      error: { code: 'template_failed' },
    });
    expect(next.context.error?.code).toBe('template_failed');
    expect(next.context.path).toEqual(['open', 'confirm']);
  });
});

describe('machine cache', () => {
  const definition = WorkflowDefinition.parse(twoSteps);

  test('compiles once per workflow id and version', async () => {
    const cache = createMachineCache();
    let loads = 0;
    const load = () => {
      loads += 1;
      return Promise.resolve(definition);
    };

    const first = await cache.get('wf-1', 1, load);
    const again = await cache.get('wf-1', 1, load);
    expect(again).toBe(first);
    expect(again.machine).toBe(first.machine);
    expect(loads).toBe(1);

    const otherVersion = await cache.get('wf-1', 2, load);
    const otherWorkflow = await cache.get('wf-2', 1, load);
    expect(loads).toBe(3);
    expect(otherVersion.machine).not.toBe(first.machine);
    expect(otherWorkflow.machine).not.toBe(first.machine);
    expect(first.definition).toBe(definition);
  });

  test('evicts the oldest entry past its limit', async () => {
    const cache = createMachineCache(2);
    let loads = 0;
    const load = () => {
      loads += 1;
      return definition;
    };

    const oldest = await cache.get('wf', 1, load);
    await cache.get('wf', 2, load);
    await cache.get('wf', 3, load);
    await cache.get('wf', 3, load);
    expect(loads).toBe(3);

    const reloaded = await cache.get('wf', 1, load);
    expect(loads).toBe(4);
    expect(reloaded).not.toBe(oldest);
  });
});
