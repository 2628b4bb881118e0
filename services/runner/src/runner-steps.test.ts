/**
 * Steps the runner completes itself: `set`, `evaluate` and `terminate` finish inside the transition that
 * enters them, feed later steps, and end the run as `terminate` says.
 */
import { WorkflowDefinition, type WorkflowDefinitionInput } from '@riskloop/contracts';
import { describe, expect, test } from 'vitest';
import { initialTransition } from 'xstate';
import { compileWorkflow, dispatchesOf, type RunInput } from './machine/index.ts';

const input: RunInput = {
  runId: '0195a3c0-0000-7000-8000-000000000001',
  tenant: 'acme',
  workflowId: '0195a3c0-0000-7000-8000-0000000000aa',
  version: 1,
  trigger: { type: 'manual', sourceId: 'req-1', payload: { ssn: true, bucket: 'logs' } },
  at: '2026-03-01T10:00:00.000Z',
};

const start = (definition: WorkflowDefinitionInput) =>
  initialTransition(compileWorkflow(WorkflowDefinition.parse(definition)), input);

const plainHook = { id: 'notify', type: 'webhook', webhook: { url: 'https://x.test/' } };
const hook = {
  id: 'notify',
  type: 'webhook',
  webhook: {
    url: 'https://x.test/',
    body: { severity: '{{ steps.grade.output }}', team: '{{ vars.team }}' },
  },
};

describe('runner-owned steps', () => {
  test('set and evaluate complete at once and feed the next step', () => {
    const [snapshot, actions] = start({
      name: 'grade',
      triggers: [{ type: 'manual' }],
      steps: [
        { id: 'route', type: 'set', set: { vars: { team: 'privacy-{{ trigger.bucket }}' } } },
        { id: 'grade', type: 'evaluate', evaluate: { expression: 'trigger.ssn ? "CRITICAL" : "LOW"' } },
        hook,
      ],
    });
    expect(snapshot.value).toBe('step_notify');
    expect(snapshot.context.vars).toEqual({ team: 'privacy-logs' });
    expect(snapshot.context.steps.grade).toMatchObject({ status: 'succeeded', output: 'CRITICAL' });
    expect(snapshot.context.path).toEqual(['route', 'grade', 'notify']);
    const dispatches = dispatchesOf(actions);
    expect(dispatches).toHaveLength(1);
    expect(dispatches[0]?.input.body).toEqual({ severity: 'CRITICAL', team: 'privacy-logs' });
  });

  test('terminate ends the run with its status and reason; later steps never start', () => {
    const [snapshot, actions] = start({
      name: 'stop',
      triggers: [{ type: 'manual' }],
      steps: [
        {
          id: 'out_of_scope',
          type: 'terminate',
          if: 'trigger.bucket == "logs"',
          terminate: { status: 'cancelled', reason: 'log buckets are out of scope' },
        },
        hook,
      ],
    });
    expect(snapshot.value).toBe('cancelled');
    expect(snapshot.status).toBe('done');
    expect(snapshot.context.error).toEqual({
      code: 'terminated_cancelled',
      message: 'step out_of_scope: log buckets are out of scope',
    });
    expect(snapshot.context.steps.notify).toBeUndefined();
    expect(dispatchesOf(actions)).toHaveLength(0);
  });

  test('a terminate whose if is false is skipped', () => {
    const [snapshot] = start({
      name: 'stop',
      triggers: [{ type: 'manual' }],
      steps: [
        { id: 'halt', type: 'terminate', if: 'trigger.bucket == "other"', terminate: { status: 'failed' } },
        plainHook,
      ],
    });
    expect(snapshot.value).toBe('step_notify');
    expect(snapshot.context.steps.halt?.status).toBe('skipped');
  });

  test('an evaluate that fails fails the run, unless on_error is continue', () => {
    const failing = { id: 'grade', type: 'evaluate', evaluate: { expression: 'trigger.missing.deep > 1' } };
    const [failed] = start({ name: 'x', triggers: [{ type: 'manual' }], steps: [failing, plainHook] });
    expect(failed.value).toBe('failed');
    expect(failed.context.error?.code).toBe('template_failed');
    const [continued] = start({
      name: 'x',
      triggers: [{ type: 'manual' }],
      steps: [{ ...failing, on_error: 'continue' }, plainHook],
    });
    expect(continued.value).toBe('step_notify');
    expect(continued.context.error).toBeUndefined();
  });
});
