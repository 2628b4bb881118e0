/**
 * Steps that come back later: `wait` (a duration, a time, or an outside event), and a dispatched step's
 * `timeout` and `retry` (a back-off timer, then a new attempt).
 */
import { RetryPolicy } from '@riskloop/contracts';
import { describe, expect, test } from 'vitest';
import { backoffMs } from './scope.ts';
import {
  at,
  dueOf,
  day,
  failed,
  fired,
  hour,
  minute,
  only,
  runId,
  runInput,
  second,
  signal,
  startRun,
  succeeded,
  t0,
  webhook,
} from './testing.ts';

describe('wait for a duration', () => {
  const steps = [{ id: 'cool_off', type: 'wait' as const, wait: { for: '2h' } }, webhook('resume')];

  test('schedules a timer due at the start plus the duration', () => {
    const run = startRun(steps);

    expect(run.value).toBe('step_cool_off');
    expect(run.started).toEqual([
      { type: 'schedule', key: 'wait:cool_off:1', stepId: 'cool_off', dueAt: at(2 * hour) },
    ]);
    expect(run.steps.cool_off).toMatchObject({
      status: 'waiting',
      attempts: 1,
      startedAt: t0,
      input: { until: at(2 * hour) },
    });
    expect(run.context.timers).toEqual({ 'wait:cool_off:1': 'cool_off' });
  });

  test('completes when its own timer fires, not when another does', () => {
    const run = startRun(steps);
    const waiting = run.snapshot;

    for (const key of ['wait:other:1', 'wait:cool_off:2', 'timeout:cool_off:1']) {
      expect(run.send(fired(key, hour))).toEqual([]);
      expect(run.snapshot).toBe(waiting);
    }

    const effects = run.send(fired('wait:cool_off:1', 2 * hour));

    expect(run.value).toBe('step_resume');
    expect(run.steps.cool_off).toMatchObject({
      status: 'succeeded',
      output: { waitedUntil: at(2 * hour) },
      finishedAt: at(2 * hour),
      durationMs: 2 * hour,
    });
    // The timer has fired: nothing to unschedule.
    expect(effects).toMatchObject([{ type: 'dispatch', stepId: 'resume', attempt: 1 }]);
    expect(run.steps.resume?.startedAt).toBe(at(2 * hour));
    expect(run.context.timers).toEqual({});
  });
});

describe('wait until a time', () => {
  test('renders the time from a template and schedules the timer then', () => {
    const run = startRun(
      [{ id: 'until_review', type: 'wait', wait: { until: '{{ trigger.review_at }}' } }],
      runInput({ review_at: '2026-03-05T09:30:00+02:00' }),
    );

    expect(run.started).toEqual([
      {
        type: 'schedule',
        key: 'wait:until_review:1',
        stepId: 'until_review',
        dueAt: '2026-03-05T07:30:00.000Z',
      },
    ]);
    expect(run.steps.until_review).toMatchObject({
      status: 'waiting',
      input: { until: '2026-03-05T07:30:00.000Z' },
    });

    run.send({ type: 'timer.fired', key: 'wait:until_review:1', at: '2026-03-05T07:30:01.000Z' });
    expect(run.value).toBe('succeeded');
  });

  test.each([
    ['a template that does not evaluate', '{{ trigger.missing.deep }}', /missing/],
    ['a value that is not a time', 'next tuesday', /wait\.until rendered to "next tuesday", not an ISO time/],
  ])('%s fails the step and the run with template_failed', (_, until, message) => {
    const run = startRun([{ id: 'until_review', type: 'wait', wait: { until } }, webhook('after')]);

    expect(run.value).toBe('failed');
    expect(run.started).toEqual([]);
    expect(run.steps.until_review).toMatchObject({
      status: 'failed',
      error: { code: 'template_failed', message: expect.stringMatching(message) },
    });
    expect(run.context.error?.code).toBe('template_failed');
    expect(run.context.timers).toBeUndefined();
  });
});

describe('wait for an event', () => {
  const condition = 'event.ticket == trigger.ticket && event.resolution != "duplicate"';
  const steps = [
    {
      id: 'ticket_closed',
      type: 'wait' as const,
      wait: {
        event: {
          type: 'ticket.closed',
          condition,
        },
        timeout: '3d',
      },
    },
    webhook('report', {}, { resolution: '{{ steps.ticket_closed.output.event.resolution }}' }),
  ];
  const start = () => startRun(steps, runInput({ ticket: 'RISK-7' }));

  test('asks the host to route events of its type to the run, with a timeout timer', () => {
    const run = start();

    expect(run.started).toEqual([
      { type: 'await', stepId: 'ticket_closed', eventType: 'ticket.closed' },
      { type: 'schedule', key: 'timeout:ticket_closed:1', stepId: 'ticket_closed', dueAt: at(3 * day) },
    ]);
    expect(run.steps.ticket_closed).toMatchObject({
      status: 'waiting',
      input: { event: 'ticket.closed', timeout: '3d' },
    });
    expect(run.context.waits).toEqual({
      ticket_closed: { eventType: 'ticket.closed', condition },
    });
  });

  test('ignores events of another type or whose condition does not hold', () => {
    const run = start();
    const waiting = run.snapshot;

    for (const event of [
      signal('ticket.opened', { ticket: 'RISK-7' }, minute),
      signal('ticket.closed', { ticket: 'RISK-8', resolution: 'fixed' }, 2 * minute),
      signal('ticket.closed', { ticket: 'RISK-7', resolution: 'duplicate' }, 3 * minute),
      // A condition that cannot be evaluated over this event does not hold either.
      signal('ticket.closed', 'not an object', 4 * minute),
    ]) {
      expect(run.send(event)).toEqual([]);
      expect(run.snapshot).toBe(waiting);
    }
  });

  test('completes on a matching event, with the event as output, and stops waiting', () => {
    const run = start();

    const effects = run.send(signal('ticket.closed', { ticket: 'RISK-7', resolution: 'fixed' }, hour));

    expect(run.value).toBe('step_report');
    expect(run.steps.ticket_closed).toMatchObject({
      status: 'succeeded',
      output: {
        event: { ticket: 'RISK-7', resolution: 'fixed' },
        eventType: 'ticket.closed',
        sourceId: `src-${hour}`,
      },
      finishedAt: at(hour),
    });
    expect(effects).toEqual([
      { type: 'unawait', stepId: 'ticket_closed' },
      { type: 'unschedule', key: 'timeout:ticket_closed:1' },
      expect.objectContaining({
        type: 'dispatch',
        stepId: 'report',
        input: expect.objectContaining({ body: { resolution: 'fixed' } }),
      }),
    ]);
    expect(run.context.waits).toEqual({});
    expect(run.context.timers).toEqual({});
  });

  test('fails with wait_timeout when its timeout fires, and stops waiting', () => {
    const run = start();

    const effects = run.send(fired('timeout:ticket_closed:1', 3 * day));

    expect(run.value).toBe('failed');
    expect(run.steps.ticket_closed).toMatchObject({
      status: 'failed',
      error: { code: 'wait_timeout', message: 'no ticket.closed event arrived in time' },
      finishedAt: at(3 * day),
    });
    expect(run.context.error).toEqual({
      code: 'wait_timeout',
      message: 'step ticket_closed: no ticket.closed event arrived in time',
    });
    expect(effects).toEqual([{ type: 'unawait', stepId: 'ticket_closed' }]);
    expect(run.context.waits).toEqual({});

    const done = run.snapshot;
    run.send(signal('ticket.closed', { ticket: 'RISK-7', resolution: 'fixed' }, 4 * day));
    expect(run.snapshot).toBe(done);
  });

  test("falls back to the step's own timeout, and waits forever without one", () => {
    const bounded = startRun([{ id: 'ack', type: 'wait', timeout: '1h', wait: { event: { type: 'ack' } } }]);
    expect(only(bounded.started, 'schedule')).toEqual([
      { type: 'schedule', key: 'timeout:ack:1', stepId: 'ack', dueAt: at(hour) },
    ]);

    const open = startRun([{ id: 'ack', type: 'wait', wait: { event: { type: 'ack' } } }]);
    expect(open.started).toEqual([{ type: 'await', stepId: 'ack', eventType: 'ack' }]);
    expect(open.steps.ack?.input).toEqual({ event: 'ack' });
    open.send(signal('ack', null, day));
    expect(open.value).toBe('succeeded');
  });
});

describe('timeout and retry of a dispatched step', () => {
  const retry = { attempts: 3, initial: '10s', max: '15s' };
  const steps = [webhook('call', { timeout: '30s', retry }, { ref: '{{ trigger.ref }}' }), webhook('after')];
  const start = (id = runId) => startRun(steps, { ...runInput({ ref: 'R-1' }), runId: id });
  const delay = (attempt: number, id = runId) =>
    backoffMs(RetryPolicy.parse(retry), attempt, `${id}:call:${attempt}`);

  test('the back-off is full jitter under an exponential cap, and the same for the same seed', () => {
    const policy = RetryPolicy.parse({ attempts: 6, initial: '1s', max: '5s' });
    const caps = [1, 2, 4, 5, 5].map((s) => s * second);

    for (const [index, cap] of caps.entries()) {
      const attempt = index + 1;
      const draws = Array.from({ length: 50 }, (_, n) =>
        backoffMs(policy, attempt, `run-${n}:call:${attempt}`),
      );
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...draws)).toBeLessThanOrEqual(cap);
      // Jitter: different runs draw different delays.
      expect(new Set(draws).size).toBeGreaterThan(40);
      expect(draws.every(Number.isInteger)).toBe(true);
    }
    expect(backoffMs(policy, 3, 'run-1:call:3')).toBe(backoffMs(policy, 3, 'run-1:call:3'));
  });

  test('a timeout leaves the step waiting and schedules a retry after the back-off', () => {
    const run = start();
    expect(run.started).toEqual([
      {
        type: 'dispatch',
        stepId: 'call',
        kind: 'webhook',
        attempt: 1,
        input: expect.objectContaining({ body: { ref: 'R-1' } }),
      },
      { type: 'schedule', key: 'timeout:call:1', stepId: 'call', dueAt: at(30 * second) },
    ]);

    const effects = run.send(fired('timeout:call:1', 30 * second));

    expect(delay(1)).toBeGreaterThanOrEqual(0);
    expect(delay(1)).toBeLessThanOrEqual(10 * second);
    expect(effects).toEqual([
      { type: 'schedule', key: 'retry:call:1', stepId: 'call', dueAt: at(30 * second + delay(1)) },
    ]);
    expect(run.value).toBe('step_call');
    expect(run.steps.call).toMatchObject({
      status: 'waiting',
      attempts: 1,
      error: { code: 'step_timeout', message: 'no result within 30s' },
    });
    expect(run.context.timers).toEqual({ 'retry:call:1': 'call' });
    expect(run.context.error).toBeUndefined();
  });

  test('the same run, step and attempt always get the same delay; another run its own', () => {
    const first = start();
    const again = start();
    const other = start('0195a3c0-0000-7000-8000-000000000002');

    const [a, b, c] = [first, again, other].map((run) =>
      dueOf(run.send(fired('timeout:call:1', 30 * second)), 'retry:call:1'),
    );

    expect(b).toBe(a);
    expect(c).toBe(30 * second + delay(1, '0195a3c0-0000-7000-8000-000000000002'));
  });

  test('the retry timer starts attempt 2 with a new dispatch; results for attempt 1 are ignored', () => {
    const run = start();
    const retryAt = dueOf(run.send(fired('timeout:call:1', 30 * second)), 'retry:call:1');

    // Attempt 1 answers during the back-off: too late.
    const backingOff = run.snapshot;
    expect(run.send(succeeded('call', { late: true }, 31 * second, 1))).toEqual([]);
    expect(run.snapshot).toBe(backingOff);

    const effects = run.send(fired('retry:call:1', retryAt));

    expect(effects).toEqual([
      {
        type: 'dispatch',
        stepId: 'call',
        kind: 'webhook',
        attempt: 2,
        input: expect.objectContaining({ body: { ref: 'R-1' } }),
      },
      { type: 'schedule', key: 'timeout:call:2', stepId: 'call', dueAt: at(retryAt + 30 * second) },
    ]);
    expect(run.steps.call).toMatchObject({ status: 'running', attempts: 2, startedAt: at(retryAt) });
    expect(run.steps.call?.error).toBeUndefined();
    expect(run.context.path).toEqual(['call', 'call']);
    expect(run.context.retryDue).toEqual({});
    expect(run.context.timers).toEqual({ 'timeout:call:2': 'call' });

    const running = run.snapshot;
    run.send(succeeded('call', { late: true }, retryAt + second, 1));
    run.send(failed('call', retryAt + second, 1));
    expect(run.snapshot).toBe(running);

    const done = run.send(succeeded('call', { ok: true }, retryAt + 5 * second, 2));
    expect(run.value).toBe('step_after');
    expect(run.steps.call).toMatchObject({ status: 'succeeded', attempts: 2, output: { ok: true } });
    expect(only(done, 'unschedule')).toEqual([{ type: 'unschedule', key: 'timeout:call:2' }]);
  });

  test('after the last attempt times out the step fails with step_timeout and so does the run', () => {
    const run = start();
    let now = 0;
    for (const attempt of [1, 2]) {
      now += 30 * second;
      now = dueOf(run.send(fired(`timeout:call:${attempt}`, now)), `retry:call:${attempt}`);
      expect(now - 30 * second * attempt).toBeLessThanOrEqual(10 * second + 15 * second);
      run.send(fired(`retry:call:${attempt}`, now));
    }
    expect(run.steps.call?.attempts).toBe(3);

    const effects = run.send(fired('timeout:call:3', now + 30 * second));

    expect(effects).toEqual([]);
    expect(run.value).toBe('failed');
    expect(run.steps.call).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: { code: 'step_timeout', message: 'no result within 30s' },
    });
    expect(run.context.error).toEqual({ code: 'step_timeout', message: 'step call: no result within 30s' });
    expect(run.steps.after).toBeUndefined();
    expect(run.context.path).toEqual(['call', 'call', 'call']);
  });

  test('with on_error continue, the run moves on after the last attempt', () => {
    const run = startRun([
      webhook('call', { timeout: '30s', retry: { attempts: 2, initial: '1s' }, on_error: 'continue' }),
      webhook('after', {}, { call: '{{ steps.call.status }}' }),
    ]);
    const retryAt = dueOf(run.send(fired('timeout:call:1', 30 * second)), 'retry:call:1');
    run.send(fired('retry:call:1', retryAt));

    const effects = run.send(fired('timeout:call:2', retryAt + 30 * second));

    expect(run.value).toBe('step_after');
    expect(run.steps.call).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'step_timeout' } });
    expect(run.context.error).toBeUndefined();
    expect(effects).toMatchObject([
      { type: 'dispatch', stepId: 'after', input: { body: { call: 'failed' } } },
    ]);
  });

  test('without a retry policy, the first timeout fails the step', () => {
    const run = startRun([webhook('call', { timeout: '1m' })]);

    run.send(fired('timeout:call:1', minute));

    expect(run.value).toBe('failed');
    expect(run.steps.call).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'step_timeout' } });
  });
});
