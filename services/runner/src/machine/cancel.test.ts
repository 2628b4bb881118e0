/**
 * `run.cancel`: the run ends `cancelled` from wherever it is; every step still going is cancelled and
 * gives back what it holds (timers unscheduled, waits unawaited, an open approval cancelled).
 */
import { describe, expect, test } from 'vitest';
import {
  approvalOf,
  at,
  cancel,
  day,
  expectSameMembers,
  failed,
  fired,
  hour,
  signal,
  startRun,
  succeeded,
  webhook,
  withoutNotify,
  type Run,
} from './testing.ts';
import type { RunEvent } from './types.ts';

/**
 * A cancel of a finished run asks for nothing and changes nothing. (XState hands back a new snapshot
 * object for a root-level event on a done machine, equal to the old one, so this compares contents.)
 */
function expectUnchangedBy(run: Run, event: RunEvent) {
  const before = run.snapshot;
  expect(run.send(event)).toEqual([]);
  expect(run.snapshot.status).toBe('done');
  expect(run.value).toEqual(before.value);
  expect(run.context).toEqual(before.context);
}

describe('run.cancel', () => {
  test('from a waiting approval: the approval is cancelled and its timers unscheduled', () => {
    const run = startRun([
      {
        id: 'sign_off',
        type: 'approval',
        approval: { approvers: [{ user: 'dana' }], timeout: '1d', remind_every: '4h' },
      },
      webhook('apply'),
    ]);

    const effects = run.send(cancel(hour, 'no longer needed'));

    expect(run.value).toBe('cancelled');
    expect(run.snapshot.status).toBe('done');
    expect(run.context.end).toBe('cancelled');
    expect(run.context.error).toEqual({
      code: 'cancelled',
      message: 'cancelled by user:olga: no longer needed',
    });
    const approval = approvalOf(run, 'sign_off');
    expect(approval).toMatchObject({ status: 'cancelled', decidedAt: at(hour), decisions: [] });
    expectSameMembers(withoutNotify(effects), [
      { type: 'unschedule', key: 'approval-timeout:sign_off:1:0' },
      { type: 'unschedule', key: 'remind:sign_off:1:1' },
      { type: 'approval', approval },
    ]);
    expect(run.steps.sign_off).toMatchObject({ status: 'cancelled', finishedAt: at(hour) });
    expect(run.steps.apply).toBeUndefined();
    expect(run.context.timers).toEqual({});
  });

  test('from a running parallel: every branch is cancelled with what it holds', () => {
    const run = startRun([
      {
        id: 'gather',
        type: 'parallel',
        parallel: {
          branches: [
            { steps: [webhook('fetch', { timeout: '5m' })] },
            { steps: [{ id: 'ack', type: 'wait', wait: { event: { type: 'owner.ack' }, timeout: '1d' } }] },
            { steps: [webhook('quick'), { id: 'pause', type: 'wait', wait: { for: '2h' } }] },
            { steps: [{ id: 'review', type: 'approval', approval: { approvers: [{ role: 'ciso' }] } }] },
          ],
        },
      },
      webhook('report'),
    ]);
    run.send(succeeded('quick', {}, 100));

    const effects = run.send(cancel(hour));

    expect(run.value).toBe('cancelled');
    expect(run.context.error).toEqual({ code: 'cancelled', message: 'cancelled by user:olga' });
    const review = approvalOf(run, 'review');
    expect(review.status).toBe('cancelled');
    expectSameMembers(withoutNotify(effects), [
      { type: 'unschedule', key: 'timeout:fetch:1' },
      { type: 'unschedule', key: 'timeout:ack:1' },
      { type: 'unawait', stepId: 'ack' },
      { type: 'unschedule', key: 'wait:pause:1' },
      { type: 'approval', approval: review },
    ]);
    for (const id of ['fetch', 'ack', 'pause', 'review', 'gather'])
      expect(run.steps[id], id).toMatchObject({ status: 'cancelled', finishedAt: at(hour) });
    expect(run.steps.quick?.status).toBe('succeeded');
    expect(run.context.timers).toEqual({});
    expect(run.context.waits).toEqual({});
  });

  test('after cancel, results, timers and signals change nothing', () => {
    const run = startRun([
      webhook('fetch', { timeout: '5m' }),
      { id: 'ack', type: 'wait', wait: { for: '1d' } },
    ]);
    run.send(cancel(100));
    const cancelled = run.snapshot;

    for (const event of [
      succeeded('fetch', {}, 200),
      fired('timeout:fetch:1', 5 * 60_000),
      signal('owner.ack', {}, hour),
    ]) {
      expect(run.send(event)).toEqual([]);
      expect(run.snapshot).toBe(cancelled);
    }
    expectUnchangedBy(run, cancel(day));
  });

  // Regression: a cancel for a run that had succeeded or failed turned it into a cancelled one.
  test('a run that already succeeded or failed stays as it ended', () => {
    const won = startRun([webhook('fetch')]);
    won.send(succeeded('fetch', {}, 100));
    expectUnchangedBy(won, cancel(hour));
    expect(won.value).toBe('succeeded');
    expect(won.context.error).toBeUndefined();

    const lost = startRun([webhook('fetch')]);
    lost.send(failed('fetch', 100));
    expectUnchangedBy(lost, cancel(hour));
    expect(lost.value).toBe('failed');
    expect(lost.context.error?.code).toBe('http_503');
  });
});
