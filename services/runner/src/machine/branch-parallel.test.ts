/**
 * Containers: a `branch` runs the first case whose `if` holds (or its default), a `parallel` runs its
 * branches at once and joins when all (or any) of them finished. Nested results feed later steps; a
 * failure inside fails the run and cancels whatever else was still going.
 */
import { describe, expect, test } from 'vitest';
import {
  at,
  expectSameMembers,
  failed,
  fired,
  hour,
  only,
  runInput,
  signal,
  startRun,
  succeeded,
  t0,
  webhook,
} from './testing.ts';

describe('branch', () => {
  const triage = (extra: Record<string, unknown> = {}, withDefault = true) => [
    {
      id: 'triage',
      type: 'branch' as const,
      ...extra,
      branch: {
        cases: [
          { if: 'trigger.score >= 80', steps: [webhook('page_oncall')] },
          { if: 'trigger.score >= 50', steps: [webhook('open_ticket')] },
        ],
        ...(withDefault ? { default: [webhook('log_only')] } : {}),
      },
    },
    webhook('report', {}, { severity: '{{ steps.triage.output.case }}' }),
  ];

  test('runs the first case whose if holds, even when a later one holds too', () => {
    const run = startRun(triage(), runInput({ score: 90 }));

    expect(run.value).toEqual({ step_triage: { body: { case_0: 'step_page_oncall' } } });
    expect(only(run.started, 'dispatch').map((d) => d.stepId)).toEqual(['page_oncall']);
    expect(run.steps.triage).toMatchObject({ status: 'running', attempts: 1, input: { case: 0 } });
    expect(run.context.chosen).toEqual({ triage: 0 });

    const effects = run.send(succeeded('page_oncall', { paged: true }, 500));

    expect(run.value).toBe('step_report');
    expect(run.steps.triage).toMatchObject({
      status: 'succeeded',
      output: { case: 0 },
      finishedAt: at(500),
      durationMs: 500,
    });
    expect(only(effects, 'dispatch')).toMatchObject([{ stepId: 'report', input: { body: { severity: 0 } } }]);
    expect(run.steps.open_ticket).toBeUndefined();
    expect(run.steps.log_only).toBeUndefined();
    expect(run.context.path).toEqual(['triage', 'page_oncall', 'report']);
  });

  test('runs a later case when the earlier ones do not hold', () => {
    const run = startRun(triage(), runInput({ score: 60 }));

    expect(run.value).toEqual({ step_triage: { body: { case_1: 'step_open_ticket' } } });
    expect(run.steps.triage?.input).toEqual({ case: 1 });
    expect(run.context.path).toEqual(['triage', 'open_ticket']);
  });

  test('runs the default when no case holds', () => {
    const run = startRun(triage(), runInput({ score: 10 }));

    expect(run.value).toEqual({ step_triage: { body: { default: 'step_log_only' } } });
    expect(run.context.chosen).toEqual({ triage: -1 });
    expect(run.steps.triage?.input).toEqual({ case: 'default' });

    run.send(succeeded('log_only', {}, 100));

    expect(run.steps.triage).toMatchObject({ status: 'succeeded', output: { case: 'default' } });
    expect(run.context.path).toEqual(['triage', 'log_only', 'report']);
  });

  test('without a default and no case holding, goes straight on to the next step', () => {
    const run = startRun(triage({}, false), runInput({ score: 10 }));

    expect(run.value).toBe('step_report');
    expect(run.steps.triage).toMatchObject({
      status: 'succeeded',
      input: { case: 'none' },
      output: { case: 'none' },
      finishedAt: t0,
    });
    expect(only(run.started, 'dispatch')).toMatchObject([
      { stepId: 'report', input: { body: { severity: 'none' } } },
    ]);
    expect(run.context.path).toEqual(['triage', 'report']);
  });

  test('results of nested steps feed the next nested step and the steps after the branch', () => {
    const run = startRun(
      [
        {
          id: 'route',
          type: 'branch',
          branch: {
            cases: [
              {
                if: 'trigger.kind == "vendor"',
                steps: [
                  webhook('lookup'),
                  webhook('assign', {}, { owner: '{{ steps.lookup.output.owner }}' }),
                ],
              },
            ],
          },
        },
        webhook('close', {}, { owner: '{{ steps.lookup.output.owner }}', by: '{{ steps.assign.status }}' }),
      ],
      runInput({ kind: 'vendor' }),
    );

    const assign = run.send(succeeded('lookup', { owner: 'vendor-team' }, 100));
    expect(only(assign, 'dispatch')).toMatchObject([
      { stepId: 'assign', input: { body: { owner: 'vendor-team' } } },
    ]);

    const close = run.send(succeeded('assign', { ok: true }, 200));
    expect(run.value).toBe('step_close');
    expect(only(close, 'dispatch')).toMatchObject([
      { stepId: 'close', input: { body: { owner: 'vendor-team', by: 'succeeded' } } },
    ]);

    run.send(succeeded('close', {}, 300));
    expect(run.value).toBe('succeeded');
    expect(run.context.path).toEqual(['route', 'lookup', 'assign', 'close']);
  });

  test('a case whose expression fails fails the run with expression_failed', () => {
    const run = startRun([
      {
        id: 'triage',
        type: 'branch',
        branch: { cases: [{ if: 'trigger.missing.deep == 1', steps: [webhook('never')] }] },
      },
      webhook('report'),
    ]);

    expect(run.value).toBe('failed');
    expect(run.context.error).toMatchObject({
      code: 'expression_failed',
      message: expect.stringMatching(/^step triage: /),
    });
    expect(run.steps.triage).toMatchObject({
      status: 'failed',
      error: { code: 'expression_failed' },
      finishedAt: t0,
    });
    expect(only(run.started, 'dispatch')).toEqual([]);
    expect(run.context.path).toEqual(['triage']);
  });

  test('a case whose expression fails goes on when on_error is continue', () => {
    const run = startRun([
      {
        id: 'triage',
        type: 'branch',
        on_error: 'continue',
        branch: {
          cases: [{ if: 'trigger.missing.deep == 1', steps: [webhook('never')] }],
          default: [webhook('fallback')],
        },
      },
      webhook('report', {}, { triage: '{{ steps.triage.status }}' }),
    ]);

    expect(run.value).toBe('step_report');
    expect(run.context.error).toBeUndefined();
    expect(run.steps.triage).toMatchObject({ status: 'failed', error: { code: 'expression_failed' } });
    expect(run.steps.fallback).toBeUndefined();
    expect(only(run.started, 'dispatch')).toMatchObject([
      { stepId: 'report', input: { body: { triage: 'failed' } } },
    ]);
  });

  test('a false if skips the whole branch and its cases', () => {
    const [branch] = triage({ if: 'trigger.score > 1000' });
    const run = startRun(
      [branch!, webhook('report', {}, { triage: '{{ steps.triage.status }}' })],
      runInput({ score: 90 }),
    );

    expect(run.value).toBe('step_report');
    expect(run.steps.triage).toMatchObject({ status: 'skipped', finishedAt: t0 });
    expect(run.steps.triage?.output).toBeUndefined();
    expect(run.steps.page_oncall).toBeUndefined();
    expect(only(run.started, 'dispatch')).toMatchObject([
      { stepId: 'report', input: { body: { triage: 'skipped' } } },
    ]);
    expect(run.context.path).toEqual(['triage', 'report']);
  });

  test('a nested step failing fails the run and the branch is not left running', () => {
    const run = startRun(triage(), runInput({ score: 90 }));

    run.send(failed('page_oncall', 200));

    expect(run.value).toBe('failed');
    expect(run.context.error).toEqual({
      code: 'http_503',
      message: 'step page_oncall: HTTP 503: down for maintenance',
    });
    expect(run.steps.page_oncall?.status).toBe('failed');
    // Regression: the container's own record used to stay `running` in a finished run.
    expect(run.steps.triage).toMatchObject({
      status: 'failed',
      output: { case: 0 },
      finishedAt: at(200),
      durationMs: 200,
    });
    expect(run.steps.report).toBeUndefined();
  });
});

describe('parallel, join all', () => {
  const fanOut = [
    {
      id: 'fan_out',
      type: 'parallel' as const,
      parallel: {
        branches: [
          { name: 'IT', steps: [webhook('laptop')] },
          { name: 'IAM', steps: [webhook('accounts', { timeout: '10m' })] },
          {
            name: 'Facilities',
            steps: [webhook('desk'), webhook('badge', {}, { desk: '{{ steps.desk.output.number }}' })],
          },
        ],
      },
    },
    webhook('summary', {}, { laptop: '{{ steps.laptop.output.id }}', badge: '{{ steps.badge.output.id }}' }),
  ];

  test('dispatches the first step of every branch at once', () => {
    const run = startRun(fanOut);

    expect(run.value).toEqual({
      step_fan_out: { body: { branch_0: 'step_laptop', branch_1: 'step_accounts', branch_2: 'step_desk' } },
    });
    expect(only(run.started, 'dispatch').map((d) => d.stepId)).toEqual(['laptop', 'accounts', 'desk']);
    expect(only(run.started, 'schedule')).toEqual([
      { type: 'schedule', key: 'timeout:accounts:1', stepId: 'accounts', dueAt: at(10 * 60_000) },
    ]);
    expect(run.steps.fan_out).toMatchObject({ status: 'running', attempts: 1 });
    expect(run.context.joined).toEqual({ fan_out: 0 });
    expect(run.context.path).toEqual(['fan_out', 'laptop', 'accounts', 'desk']);
  });

  test('finishes only after every branch, whatever order the results arrive in', () => {
    const run = startRun(fanOut);

    const badge = run.send(succeeded('desk', { number: 'D-12' }, 100));
    expect(only(badge, 'dispatch')).toMatchObject([{ stepId: 'badge', input: { body: { desk: 'D-12' } } }]);

    run.send(succeeded('badge', { id: 'B-1' }, 200));
    expect(run.value).toEqual({
      step_fan_out: { body: { branch_0: 'step_laptop', branch_1: 'step_accounts', branch_2: 'done' } },
    });
    expect(run.context.joined).toEqual({ fan_out: 1 });

    const afterAccounts = run.send(succeeded('accounts', {}, 300));
    expect(only(afterAccounts, 'unschedule')).toEqual([{ type: 'unschedule', key: 'timeout:accounts:1' }]);
    expect(only(afterAccounts, 'dispatch')).toEqual([]);
    expect(run.steps.fan_out?.status).toBe('running');

    const last = run.send(succeeded('laptop', { id: 'L-9' }, 400));
    expect(run.value).toBe('step_summary');
    expect(only(last, 'dispatch')).toMatchObject([
      { stepId: 'summary', input: { body: { laptop: 'L-9', badge: 'B-1' } } },
    ]);
    expect(run.steps.fan_out).toMatchObject({
      status: 'succeeded',
      output: { joined: 3 },
      finishedAt: at(400),
      durationMs: 400,
    });
    expect(run.steps.summary).toMatchObject({ status: 'running', startedAt: at(400) });
    expect(run.context.path).toEqual(['fan_out', 'laptop', 'accounts', 'desk', 'badge', 'summary']);
  });

  test('a failure in one branch fails the run and cancels the others, dropping their timers and waits', () => {
    const run = startRun([
      {
        id: 'fan_out',
        type: 'parallel',
        parallel: {
          branches: [
            { steps: [webhook('laptop')] },
            { steps: [webhook('accounts', { timeout: '10m' })] },
            { steps: [{ id: 'hr_ack', type: 'wait', wait: { event: { type: 'hr.ack' }, timeout: '1d' } }] },
          ],
        },
      },
      webhook('summary'),
    ]);

    const effects = run.send(failed('laptop', 100));

    expect(run.value).toBe('failed');
    expect(run.snapshot.status).toBe('done');
    expect(run.context.error?.code).toBe('http_503');
    expect(run.steps.laptop).toMatchObject({ status: 'failed', error: { code: 'http_503' } });
    expect(run.steps.accounts).toMatchObject({ status: 'cancelled', attempts: 1, finishedAt: at(100) });
    expect(run.steps.hr_ack).toMatchObject({ status: 'cancelled', finishedAt: at(100) });
    expect(run.steps.fan_out).toMatchObject({ status: 'failed', finishedAt: at(100), output: { joined: 0 } });
    expect(run.steps.summary).toBeUndefined();
    expectSameMembers(effects, [
      { type: 'unschedule', key: 'timeout:accounts:1' },
      { type: 'unschedule', key: 'timeout:hr_ack:1' },
      { type: 'unawait', stepId: 'hr_ack' },
    ]);
    expect(run.context.timers).toEqual({});
    expect(run.context.waits).toEqual({});

    // The cancelled branches' results and timers no longer reach anything.
    const before = run.snapshot;
    run.send(succeeded('accounts', {}, 200));
    run.send(fired('timeout:accounts:1', 10 * 60_000));
    expect(run.snapshot).toBe(before);
  });
});

// Regression: XState's own done event, which ends a container, carries no time, and the step after a
// container was entered at 1970-01-01, with its timers due then.
test('the step after a container starts when the event that finished the container happened', () => {
  const run = startRun([
    {
      id: 'fan_out',
      type: 'parallel',
      parallel: { branches: [{ steps: [webhook('left')] }, { steps: [webhook('right')] }] },
    },
    { id: 'pick', type: 'branch', branch: { cases: [{ if: 'true', steps: [webhook('inner')] }] } },
    { id: 'cool_off', type: 'wait', wait: { for: '1h' } },
  ]);
  run.send(succeeded('left', {}, 100));
  run.send(succeeded('right', {}, 200));
  expect(run.steps.fan_out).toMatchObject({ finishedAt: at(200), durationMs: 200 });
  expect(run.steps.pick).toMatchObject({ startedAt: at(200) });

  const effects = run.send(succeeded('inner', {}, 300));

  expect(run.steps.pick).toMatchObject({ status: 'succeeded', finishedAt: at(300), durationMs: 100 });
  expect(run.steps.cool_off).toMatchObject({
    status: 'waiting',
    startedAt: at(300),
    input: { until: at(300 + hour) },
  });
  expect(only(effects, 'schedule')).toEqual([
    { type: 'schedule', key: 'wait:cool_off:1', stepId: 'cool_off', dueAt: at(300 + hour) },
  ]);
});

describe('parallel, join any', () => {
  const race = [
    {
      id: 'race',
      type: 'parallel' as const,
      parallel: {
        join: 'any' as const,
        branches: [
          { steps: [webhook('primary', { timeout: '5m' })] },
          { steps: [webhook('secondary')] },
          { steps: [{ id: 'manual', type: 'wait' as const, wait: { event: { type: 'ops.done' } } }] },
        ],
      },
    },
    webhook('after', {}, { winner: '{{ steps.secondary.output.via }}' }),
  ];

  test('the first branch to finish moves the run on and cancels the others', () => {
    const run = startRun(race);
    expect(only(run.started, 'dispatch').map((d) => d.stepId)).toEqual(['primary', 'secondary']);
    expect(only(run.started, 'await')).toEqual([{ type: 'await', stepId: 'manual', eventType: 'ops.done' }]);

    const effects = run.send(succeeded('secondary', { via: 'backup' }, 300));

    expect(run.value).toBe('step_after');
    expect(run.steps.secondary).toMatchObject({ status: 'succeeded', output: { via: 'backup' } });
    expect(run.steps.primary).toMatchObject({ status: 'cancelled', finishedAt: at(300) });
    expect(run.steps.manual).toMatchObject({ status: 'cancelled', finishedAt: at(300) });
    expect(run.steps.race).toMatchObject({ status: 'succeeded', output: { joined: 1 }, finishedAt: at(300) });
    expect(run.steps.after).toMatchObject({ status: 'running', startedAt: at(300) });
    expect(only(effects, 'dispatch')).toMatchObject([
      { stepId: 'after', input: { body: { winner: 'backup' } } },
    ]);
    expectSameMembers(
      effects.filter((e) => e.type !== 'dispatch' && e.type !== 'result'),
      [
        { type: 'unschedule', key: 'timeout:primary:1' },
        { type: 'unawait', stepId: 'manual' },
      ],
    );
  });

  test('results, timers and signals for the cancelled branches are ignored afterwards', () => {
    const run = startRun(race);
    run.send(succeeded('secondary', { via: 'backup' }, 300));
    const moved = run.snapshot;

    for (const event of [
      succeeded('primary', { late: true }, 400),
      failed('primary', 500),
      fired('timeout:primary:1', 5 * 60_000),
      signal('ops.done', {}, hour),
    ]) {
      expect(run.send(event)).toEqual([]);
      expect(run.snapshot).toBe(moved);
    }
    expect(run.steps.primary?.status).toBe('cancelled');
  });
});
