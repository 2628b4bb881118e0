/**
 * Approval steps: what opening one records and asks for, who may decide (`approverFor`, the same check the
 * host makes before it writes a decision), and how decisions settle it in each mode and order. Timers
 * (timeouts, escalation, reminders) are in approval-timers.test.ts.
 */
import { stepExecutorOf } from '@riskloop/contracts';
import { describe, expect, test } from 'vitest';
import { approverFor, eligibleApprovers } from './approvals.ts';
import {
  approvalFlow,
  approvalOf,
  at,
  caller,
  day,
  decide,
  fired,
  hour,
  only,
  refusal,
  runInput,
  startRun,
  t0,
  withoutNotify,
} from './testing.ts';

const dana = caller('dana');
const eve = caller('eve', 'ciso');
const sam = caller('sam', 'member', ['security']);

describe('opening an approval', () => {
  test('records who may decide, asks the host to store it and schedules its timeout', () => {
    const run = startRun(
      approvalFlow({
        approvers: [{ user: 'dana' }, { role: 'ciso' }, { group: 'security' }],
        message: 'Accept the risk on {{ trigger.asset }}?',
        timeout: '2d',
      }),
      runInput({ asset: 'db-7' }, 'user:rita'),
    );
    const state = approvalOf(run);

    expect(run.value).toBe('step_sign_off');
    expect(state).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      stepId: 'sign_off',
      attempt: 1,
      message: 'Accept the risk on db-7?',
      approvers: [{ user: 'dana' }, { role: 'ciso' }, { group: 'security' }],
      order: 'parallel',
      mode: 'any',
      needed: 1,
      requesters: ['user:rita'],
      decisions: [],
      status: 'pending',
      escalated: false,
      dueAt: at(2 * day),
      reminders: 0,
      createdAt: t0,
    });
    expect(withoutNotify(run.started)).toEqual([
      { type: 'approval', approval: state },
      { type: 'schedule', key: 'approval-timeout:sign_off:1:0', stepId: 'sign_off', dueAt: at(2 * day) },
    ]);
    expect(run.steps.sign_off).toEqual({
      id: 'sign_off',
      type: 'approval',
      status: 'waiting',
      attempts: 1,
      startedAt: t0,
      input: {
        approvers: state.approvers,
        order: 'parallel',
        mode: 'any',
        needed: 1,
        message: 'Accept the risk on db-7?',
        dueAt: at(2 * day),
      },
      output: { outcome: 'pending', approvalId: state.id, escalated: false, decisions: [] },
    });
  });

  test('the approval id is the same for the same run, step and attempt', () => {
    const flow = approvalFlow({ approvers: [{ user: 'dana' }] });
    const first = approvalOf(startRun(flow)).id;

    expect(approvalOf(startRun(flow)).id).toBe(first);
    expect(
      approvalOf(startRun(flow, { ...runInput(), runId: '0195a3c0-0000-7000-8000-000000000009' })).id,
    ).not.toBe(first);
  });

  test.runIf(stepExecutorOf('notify') === undefined)(
    'sends no notifications while no service executes notify',
    () => {
      const run = startRun(
        approvalFlow({
          approvers: [{ user: 'dana' }],
          remind_every: '1h',
          timeout: '1d',
          on_timeout: 'escalate',
          escalate_to: [{ user: 'boss' }],
        }),
      );
      const effects = [
        ...run.started,
        ...run.send(fired('remind:sign_off:1:1', hour)),
        ...run.send(fired('approval-timeout:sign_off:1:0', day)),
      ];

      expect(only(effects, 'notify')).toEqual([]);
      expect(approvalOf(run)).toMatchObject({ reminders: 1, escalated: true });
    },
  );
});

describe('who may decide', () => {
  const open = (approvers: unknown[], extra: Record<string, unknown> = {}, payload = {}, actor?: string) =>
    startRun(approvalFlow({ approvers, ...extra }), runInput(payload, actor));

  test('a user, a role or a group entry matches the caller it names', () => {
    const state = approvalOf(open([{ user: 'dana' }, { role: 'ciso' }, { group: 'security' }]));

    expect(approverFor(state, dana)).toEqual({ user: 'dana' });
    expect(approverFor(state, eve)).toEqual({ role: 'ciso' });
    expect(approverFor(state, sam)).toEqual({ group: 'security' });
    // Business roles are often kept as groups of the caller's key: a role entry matches either.
    expect(approverFor(state, caller('gus', 'member', ['ciso']))).toEqual({ role: 'ciso' });
    expect(refusal(state, caller('zed', 'auditor', ['finance']))).toMatchObject({
      status: 403,
      code: 'forbidden',
    });
  });

  test('an expression names users from the trigger payload, one or a list', () => {
    const run = open(
      [{ expression: 'trigger.joiner.manager' }, { expression: 'trigger.reviewers' }, { user: 'dana' }],
      { mode: 'all' },
      { joiner: { manager: 'mia' }, reviewers: ['rob', 'ria'] },
    );
    const state = approvalOf(run);

    expect(state.approvers).toEqual([{ user: 'mia' }, { user: 'rob' }, { user: 'ria' }, { user: 'dana' }]);
    expect(state.needed).toBe(4);
    expect(run.steps.sign_off?.input).toMatchObject({ approvers: state.approvers, needed: 4 });
    expect(approverFor(state, caller('ria'))).toEqual({ user: 'ria' });
  });

  test.each([
    ['a number', { manager: 42 }, /gave 42, not a user id/],
    ['an empty string', { manager: '' }, /gave "", not a user id/],
    ['a list with a non-string', { manager: ['mia', null] }, /gave null, not a user id/],
    ['an empty list', { manager: [] }, /resolved to no approvers/],
  ])('an expression that gives %s fails the step and the run', (_, payload, message) => {
    const run = open([{ expression: 'trigger.manager' }], {}, payload);

    expect(run.value).toBe('failed');
    expect(run.steps.sign_off).toMatchObject({
      status: 'failed',
      error: { code: 'template_failed', message: expect.stringMatching(message) },
    });
    expect(run.context.error?.code).toBe('template_failed');
    expect(run.context.approvals).toBeUndefined();
    expect(run.started).toEqual([]);
  });

  test('the requester may not decide: the trigger actor or the payload requester', () => {
    const byActor = approvalOf(open([{ user: 'rita' }, { role: 'member' }], {}, {}, 'user:rita'));
    expect(byActor.requesters).toEqual(['user:rita']);
    expect(refusal(byActor, caller('rita'))).toMatchObject({
      status: 403,
      message: 'the requester of an approval cannot decide it',
    });

    const byPayload = approvalOf(open([{ role: 'member' }], {}, { requester: 'rita' }, 'key:intake'));
    expect(byPayload.requesters).toEqual(['key:intake', 'rita']);
    expect(refusal(byPayload, caller('rita'))).toMatchObject({ status: 403 });
    expect(approverFor(byPayload, caller('olga'))).toEqual({ role: 'member' });
  });

  test('someone who already decided may not decide again', () => {
    const run = open([{ role: 'ciso' }, { user: 'dana' }], { mode: 'all' });
    decide(run, 'sign_off', eve, 'approve', hour);

    expect(refusal(approvalOf(run), eve)).toMatchObject({
      status: 403,
      message: 'you have already decided this approval',
    });
    // Another holder of the same role: that entry is decided.
    expect(refusal(approvalOf(run), caller('ian', 'ciso'))).toMatchObject({ status: 403 });
  });

  test('in sequential order only the first undecided entry may decide', () => {
    const run = open([{ user: 'dana' }, { role: 'ciso' }], { order: 'sequential', mode: 'all' });

    expect(eligibleApprovers(approvalOf(run))).toEqual([{ user: 'dana' }]);
    expect(refusal(approvalOf(run), eve)).toMatchObject({
      status: 403,
      message: expect.stringMatching(/at this stage/),
    });

    decide(run, 'sign_off', dana, 'approve', hour);

    expect(eligibleApprovers(approvalOf(run))).toEqual([{ role: 'ciso' }]);
    expect(approverFor(approvalOf(run), eve)).toEqual({ role: 'ciso' });
  });

  test('a settled approval refuses every caller with 409', () => {
    const run = open([{ user: 'dana' }, { role: 'ciso' }]);
    decide(run, 'sign_off', dana, 'approve', hour);

    expect(approvalOf(run).status).toBe('approved');
    expect(eligibleApprovers(approvalOf(run))).toEqual([]);
    expect(refusal(approvalOf(run), eve)).toMatchObject({
      status: 409,
      code: 'conflict',
      message: 'the approval is already approved',
    });
  });
});

describe('deciding', () => {
  test('any: the first approval settles it, completes the step and moves on', () => {
    const run = startRun(approvalFlow({ approvers: [{ user: 'dana' }, { role: 'ciso' }], timeout: '1d' }));
    const id = approvalOf(run).id;

    const effects = decide(run, 'sign_off', eve, 'approve', hour, 'accepted until Q3');

    const settled = approvalOf(run);
    expect(settled).toMatchObject({
      status: 'approved',
      decidedAt: at(hour),
      decisions: [
        {
          decision: 'approve',
          actor: 'user:eve',
          user: 'eve',
          approver: { role: 'ciso' },
          comment: 'accepted until Q3',
          at: at(hour),
        },
      ],
    });
    expect(run.value).toBe('step_apply');
    expect(run.steps.sign_off).toMatchObject({
      status: 'succeeded',
      finishedAt: at(hour),
      durationMs: hour,
      output: {
        outcome: 'approved',
        approvalId: id,
        escalated: false,
        decisions: [{ decision: 'approve', by: 'eve', comment: 'accepted until Q3', at: at(hour) }],
      },
    });
    expect(withoutNotify(effects)).toEqual([
      { type: 'approval', approval: settled },
      { type: 'unschedule', key: 'approval-timeout:sign_off:1:0' },
      expect.objectContaining({ type: 'dispatch', stepId: 'apply' }),
    ]);
  });

  test('any: a rejection waits for the others; it is rejected once nobody is left to approve', () => {
    const run = startRun(approvalFlow({ approvers: [{ user: 'dana' }, { role: 'ciso' }] }));

    const first = decide(run, 'sign_off', dana, 'reject', hour, 'too risky');

    expect(approvalOf(run)).toMatchObject({
      status: 'pending',
      decisions: [{ decision: 'reject', user: 'dana' }],
    });
    expect(withoutNotify(first)).toEqual([{ type: 'approval', approval: approvalOf(run) }]);
    expect(run.steps.sign_off).toMatchObject({
      status: 'waiting',
      output: { outcome: 'pending', decisions: [{ decision: 'reject', by: 'dana', comment: 'too risky' }] },
    });

    decide(run, 'sign_off', eve, 'reject', 2 * hour);

    expect(approvalOf(run)).toMatchObject({ status: 'rejected', decidedAt: at(2 * hour) });
    // A rejection still completes the step: the outcome is for the steps after it to act on.
    expect(run.value).toBe('step_apply');
    expect(run.steps.sign_off).toMatchObject({ status: 'succeeded', output: { outcome: 'rejected' } });
  });

  test('all: every entry must approve; one rejection settles it at once', () => {
    const approved = startRun(approvalFlow({ approvers: [{ user: 'dana' }, { role: 'ciso' }], mode: 'all' }));
    decide(approved, 'sign_off', dana, 'approve', hour);
    expect(approvalOf(approved)).toMatchObject({ status: 'pending', needed: 2 });
    decide(approved, 'sign_off', eve, 'approve', 2 * hour);
    expect(approvalOf(approved).status).toBe('approved');

    const rejected = startRun(approvalFlow({ approvers: [{ user: 'dana' }, { role: 'ciso' }], mode: 'all' }));
    decide(rejected, 'sign_off', eve, 'reject', hour);
    expect(approvalOf(rejected)).toMatchObject({ status: 'rejected', decidedAt: at(hour) });
    expect(rejected.steps.sign_off?.output).toMatchObject({ outcome: 'rejected' });
  });

  test('quorum: settles when enough approved, or when enough can no longer approve', () => {
    const three = {
      approvers: [{ user: 'dana' }, { role: 'ciso' }, { group: 'security' }],
      mode: 'quorum',
      quorum: 2,
    };

    const approved = startRun(approvalFlow(three));
    expect(approvalOf(approved).needed).toBe(2);
    decide(approved, 'sign_off', dana, 'approve', hour);
    decide(approved, 'sign_off', sam, 'reject', 2 * hour);
    expect(approvalOf(approved).status).toBe('pending');
    decide(approved, 'sign_off', eve, 'approve', 3 * hour);
    expect(approvalOf(approved).status).toBe('approved');

    const rejected = startRun(approvalFlow(three));
    decide(rejected, 'sign_off', dana, 'approve', hour);
    decide(rejected, 'sign_off', sam, 'reject', 2 * hour);
    decide(rejected, 'sign_off', eve, 'reject', 3 * hour);
    expect(approvalOf(rejected).status).toBe('rejected');

    // A quorum larger than the approver list needs everyone.
    const capped = startRun(approvalFlow({ ...three, quorum: 5 }));
    expect(approvalOf(capped).needed).toBe(3);
  });

  test('sequential any: a rejection passes the decision to the next approver', () => {
    const run = startRun(
      approvalFlow({ approvers: [{ user: 'dana' }, { role: 'ciso' }], order: 'sequential' }),
    );

    decide(run, 'sign_off', dana, 'reject', hour);
    expect(approvalOf(run).status).toBe('pending');
    expect(eligibleApprovers(approvalOf(run))).toEqual([{ role: 'ciso' }]);

    decide(run, 'sign_off', eve, 'approve', 2 * hour);
    expect(approvalOf(run).status).toBe('approved');
    expect(run.steps.sign_off?.output).toMatchObject({
      outcome: 'approved',
      decisions: [{ by: 'dana' }, { by: 'eve' }],
    });
  });

  test('a decision for another approval id is ignored', () => {
    const run = startRun(approvalFlow({ approvers: [{ user: 'dana' }] }));
    const waiting = run.snapshot;

    const effects = run.send({
      type: 'approval.decided',
      approvalId: '00000000-0000-5000-8000-000000000000',
      decision: {
        id: 'd-1',
        decision: 'approve',
        actor: 'user:dana',
        user: 'dana',
        approver: { user: 'dana' },
        at: at(hour),
      },
      at: at(hour),
    });

    expect(effects).toEqual([]);
    expect(run.snapshot).toBe(waiting);
  });
});
