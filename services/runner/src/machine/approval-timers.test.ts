/**
 * An approval's timers: a timeout settles it (reject, approve) or escalates it to new approvers once;
 * reminders reschedule themselves while it is pending. The settled outcome is the step's output, which a
 * following branch reads.
 */
import type { WorkflowDefinitionInput } from '@riskloop/contracts';
import { describe, expect, test } from 'vitest';
import { approverFor } from './approvals.ts';
import {
  approvalFlow,
  approvalOf,
  at,
  caller,
  day,
  decide,
  expectSameMembers,
  fired,
  hour,
  only,
  refusal,
  runInput,
  startRun,
  webhook,
  withoutNotify,
  type Run,
} from './testing.ts';

type StepInput = WorkflowDefinitionInput['steps'][number];

const dana = caller('dana');
const eve = caller('eve', 'ciso');

describe('timeouts', () => {
  const timeoutKey = 'approval-timeout:sign_off:1:0';

  test('on_timeout reject: the outcome is timed_out', () => {
    const run = startRun(
      approvalFlow({ approvers: [{ user: 'dana' }], timeout: '1d', on_timeout: 'reject' }),
    );

    const effects = run.send(fired(timeoutKey, day));

    expect(approvalOf(run)).toMatchObject({ status: 'timed_out', decidedAt: at(day), decisions: [] });
    expect(withoutNotify(effects)).toEqual([
      { type: 'approval', approval: approvalOf(run) },
      expect.objectContaining({ type: 'dispatch', stepId: 'apply' }),
    ]);
    expect(run.steps.sign_off).toMatchObject({
      status: 'succeeded',
      finishedAt: at(day),
      output: { outcome: 'timed_out' },
    });
    expect(refusal(approvalOf(run), dana)).toMatchObject({ status: 409 });
  });

  test('on_timeout approve: the outcome is approved', () => {
    const run = startRun(
      approvalFlow({ approvers: [{ user: 'dana' }], timeout: '1d', on_timeout: 'approve' }),
    );

    run.send(fired(timeoutKey, day));

    expect(approvalOf(run)).toMatchObject({ status: 'approved', decisions: [] });
    expect(run.steps.sign_off?.output).toMatchObject({ outcome: 'approved' });
  });

  test('on_timeout escalate: new approvers and a new timeout, then timed_out', () => {
    const run = startRun(
      approvalFlow({
        approvers: [{ user: 'dana' }, { role: 'ciso' }],
        mode: 'all',
        timeout: '1d',
        on_timeout: 'escalate',
        escalate_to: [{ user: 'boss' }, { role: 'cro' }],
      }),
    );
    decide(run, 'sign_off', dana, 'approve', hour);

    const effects = run.send(fired(timeoutKey, day));

    const escalated = approvalOf(run);
    expect(escalated).toMatchObject({
      status: 'pending',
      escalated: true,
      approvers: [{ user: 'boss' }, { role: 'cro' }],
      needed: 2,
      // The escalation set decides afresh.
      decisions: [],
      dueAt: at(2 * day),
    });
    expect(withoutNotify(effects)).toEqual([
      { type: 'approval', approval: escalated },
      { type: 'schedule', key: 'approval-timeout:sign_off:1:1', stepId: 'sign_off', dueAt: at(2 * day) },
    ]);
    expect(run.steps.sign_off?.status).toBe('waiting');
    expect(run.context.timers).toEqual({ 'approval-timeout:sign_off:1:1': 'sign_off' });
    expect(refusal(escalated, eve)).toMatchObject({ status: 403 });
    expect(approverFor(escalated, caller('boss'))).toEqual({ user: 'boss' });

    run.send(fired('approval-timeout:sign_off:1:1', 2 * day));

    expect(approvalOf(run)).toMatchObject({ status: 'timed_out', escalated: true, decidedAt: at(2 * day) });
    expect(run.steps.sign_off?.output).toMatchObject({ outcome: 'timed_out', escalated: true });
    expect(run.value).toBe('step_apply');
  });

  test('on_timeout escalate: the escalation set can approve', () => {
    const run = startRun(
      approvalFlow({
        approvers: [{ user: 'dana' }],
        timeout: '1d',
        on_timeout: 'escalate',
        escalate_to: [{ role: 'cro' }],
      }),
    );
    run.send(fired(timeoutKey, day));

    decide(run, 'sign_off', caller('carl', 'cro'), 'approve', day + hour);

    expect(run.steps.sign_off?.output).toMatchObject({
      outcome: 'approved',
      escalated: true,
      decisions: [{ by: 'carl' }],
    });
    expect(run.context.timers).toEqual({});
  });
});

describe('reminders', () => {
  const flow = approvalFlow({ approvers: [{ user: 'dana' }], remind_every: '4h', timeout: '1d' });

  test('reschedule themselves while the approval is pending', () => {
    const run = startRun(flow);
    expect(only(run.started, 'schedule')).toEqual([
      { type: 'schedule', key: 'approval-timeout:sign_off:1:0', stepId: 'sign_off', dueAt: at(day) },
      { type: 'schedule', key: 'remind:sign_off:1:1', stepId: 'sign_off', dueAt: at(4 * hour) },
    ]);

    const second = run.send(fired('remind:sign_off:1:1', 4 * hour));
    expect(withoutNotify(second)).toEqual([
      { type: 'schedule', key: 'remind:sign_off:1:2', stepId: 'sign_off', dueAt: at(8 * hour) },
    ]);
    const third = run.send(fired('remind:sign_off:1:2', 8 * hour));
    expect(withoutNotify(third)).toEqual([
      { type: 'schedule', key: 'remind:sign_off:1:3', stepId: 'sign_off', dueAt: at(12 * hour) },
    ]);

    expect(approvalOf(run).reminders).toBe(2);
    expect(run.context.timers).toEqual({
      'approval-timeout:sign_off:1:0': 'sign_off',
      'remind:sign_off:1:3': 'sign_off',
    });
  });

  test('stop when the approval is decided: the pending timers are unscheduled', () => {
    const run = startRun(flow);
    run.send(fired('remind:sign_off:1:1', 4 * hour));

    const effects = decide(run, 'sign_off', dana, 'approve', 5 * hour);

    expectSameMembers(
      only(effects, 'unschedule').map((u) => u.key),
      ['approval-timeout:sign_off:1:0', 'remind:sign_off:1:2'],
    );
    expect(run.context.timers).toEqual({});
    const moved = run.snapshot;
    expect(run.send(fired('remind:sign_off:1:2', 8 * hour))).toEqual([]);
    expect(run.snapshot).toBe(moved);
  });
});

describe('the outcome drives a branch', () => {
  const steps = [
    {
      id: 'manager_approval',
      type: 'approval',
      approval: { approvers: [{ expression: 'trigger.manager' }], timeout: '2d', on_timeout: 'reject' },
    },
    {
      id: 'outcome',
      type: 'branch',
      branch: {
        cases: [{ if: 'steps.manager_approval.output.outcome == "approved"', steps: [webhook('provision')] }],
        default: [webhook('tell_hr', {}, { outcome: '{{ steps.manager_approval.output.outcome }}' })],
      },
    },
  ] as StepInput[];
  const start = () => startRun(steps, runInput({ manager: 'mia' }));
  const mia = caller('mia');

  test('approved takes the approved case', () => {
    const run = start();

    const effects = decide(run, 'manager_approval', mia, 'approve', hour);

    expect(run.value).toEqual({ step_outcome: { body: { case_0: 'step_provision' } } });
    expect(only(effects, 'dispatch').map((d) => d.stepId)).toEqual(['provision']);
    expect(run.steps.outcome?.input).toEqual({ case: 0 });
  });

  test.each([
    ['rejected', (run: Run) => decide(run, 'manager_approval', mia, 'reject', hour)],
    ['timed_out', (run: Run) => run.send(fired('approval-timeout:manager_approval:1:0', 2 * day))],
  ])('%s takes the default', (outcome, settle) => {
    const run = start();

    const effects = settle(run);

    expect(run.value).toEqual({ step_outcome: { body: { default: 'step_tell_hr' } } });
    expect(only(effects, 'dispatch')).toMatchObject([{ stepId: 'tell_hr', input: { body: { outcome } } }]);
    expect(run.context.path).toEqual(['manager_approval', 'outcome', 'tell_hr']);
  });
});
