/**
 * `on_error: { goto }`: a failed step jumps back (a loop, bounded by max_loops) or ahead; the steps from
 * the target run again with new attempts, an approval among them with a new id.
 */
import { describe, expect, test } from 'vitest';
import {
  approvalOf,
  at,
  caller,
  decide,
  failed,
  hour,
  startRun,
  succeeded,
  webhook,
  withoutNotify,
  withoutResults,
} from './testing.ts';

const dana = caller('dana');

describe('on_error goto', () => {
  const steps = [
    webhook('prepare'),
    webhook(
      'submit',
      { on_error: { goto: 'prepare', max_loops: 2 } },
      { draft: '{{ steps.prepare.output.draft }}' },
    ),
    webhook('confirm'),
  ];

  test('jumping back re-runs the steps from the target with new attempts', () => {
    const run = startRun(steps);
    run.send(succeeded('prepare', { draft: 'd1' }, 100));

    const effects = run.send(failed('submit', 200));

    expect(run.value).toBe('step_prepare');
    expect(effects).toMatchObject([{ type: 'dispatch', stepId: 'prepare', attempt: 2 }]);
    expect(run.context.loops).toEqual({ submit: 1 });
    expect(run.context.error).toBeUndefined();
    expect(run.steps.prepare).toMatchObject({ status: 'running', attempts: 2, startedAt: at(200) });
    expect(run.steps.submit).toMatchObject({ status: 'failed', attempts: 1 });

    const resubmit = run.send(succeeded('prepare', { draft: 'd2' }, 300, 2));
    expect(withoutResults(resubmit)).toMatchObject([
      { type: 'dispatch', stepId: 'submit', attempt: 2, input: { body: { draft: 'd2' } } },
    ]);

    run.send(succeeded('submit', {}, 400, 2));
    run.send(succeeded('confirm', {}, 500));
    expect(run.value).toBe('succeeded');
    expect(run.steps.submit).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(run.context.path).toEqual(['prepare', 'submit', 'prepare', 'submit', 'confirm']);
  });

  test('after max_loops jumps, the next failure fails the run with loop_limit', () => {
    const run = startRun(steps);
    for (const attempt of [1, 2]) {
      run.send(succeeded('prepare', { draft: `d${attempt}` }, attempt * 1000, attempt));
      run.send(failed('submit', attempt * 1000 + 500, attempt));
      expect(run.context.loops).toEqual({ submit: attempt });
    }
    run.send(succeeded('prepare', { draft: 'd3' }, 3000, 3));

    const effects = run.send(failed('submit', 3500, 3));

    expect(effects).toEqual([]);
    expect(run.value).toBe('failed');
    expect(run.context.error).toEqual({
      code: 'loop_limit',
      message: 'step submit failed again after going to prepare 2 times: HTTP 503: down for maintenance',
    });
    expect(run.steps.submit).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'http_503' } });
    expect(run.steps.prepare).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(run.steps.confirm).toBeUndefined();
  });

  // Regression: a jump to the failing step itself did not leave the step, so it never ran again and the
  // run failed with loop_limit at once.
  test('a jump to the failing step itself runs it again', () => {
    const run = startRun([webhook('flaky', { on_error: { goto: 'flaky', max_loops: 2 } }), webhook('next')]);

    const effects = run.send(failed('flaky', 100));

    expect(run.value).toBe('step_flaky');
    expect(effects).toMatchObject([{ type: 'dispatch', stepId: 'flaky', attempt: 2 }]);
    expect(run.steps.flaky).toMatchObject({ status: 'running', attempts: 2 });
    expect(run.context.path).toEqual(['flaky', 'flaky']);

    run.send(succeeded('flaky', {}, 200, 2));
    expect(run.value).toBe('step_next');
  });

  test('a jump forward skips the steps in between', () => {
    const run = startRun([
      webhook('risky', { on_error: { goto: 'cleanup' } }),
      webhook('use_result'),
      webhook('cleanup'),
    ]);

    const effects = run.send(failed('risky', 100));

    expect(run.value).toBe('step_cleanup');
    expect(effects).toMatchObject([{ type: 'dispatch', stepId: 'cleanup' }]);
    expect(run.steps.use_result).toBeUndefined();
    expect(run.context.error).toBeUndefined();
    expect(run.context.path).toEqual(['risky', 'cleanup']);
  });
});

test('an approval run again by a goto gets a new id; decisions for the old one are ignored', () => {
  const run = startRun([
    { id: 'sign_off', type: 'approval', approval: { approvers: [{ user: 'dana' }] } },
    webhook('apply', { on_error: { goto: 'sign_off', max_loops: 1 } }),
  ]);
  const firstId = approvalOf(run).id;
  decide(run, 'sign_off', dana, 'approve', hour);

  const effects = run.send({
    type: 'step.failed',
    stepId: 'apply',
    attempt: 1,
    tries: 1,
    error: { code: 'http_500', message: 'HTTP 500' },
    startedAt: at(hour),
    finishedAt: at(2 * hour),
    at: at(2 * hour),
  });

  const second = approvalOf(run);
  expect(second).toMatchObject({ attempt: 2, status: 'pending', decisions: [], createdAt: at(2 * hour) });
  expect(second.id).not.toBe(firstId);
  expect(withoutNotify(effects)).toEqual([{ type: 'approval', approval: second }]);
  expect(run.steps.sign_off).toMatchObject({ status: 'waiting', attempts: 2 });

  const waiting = run.snapshot;
  run.send({
    type: 'approval.decided',
    approvalId: firstId,
    decision: {
      id: 'd-late',
      decision: 'approve',
      actor: 'user:dana',
      user: 'dana',
      approver: { user: 'dana' },
      at: at(3 * hour),
    },
    at: at(3 * hour),
  });
  expect(run.snapshot).toBe(waiting);
});
