import { describe, expect, it } from 'vitest';
import { dueTimes, scheduleOf } from './schedule-times.ts';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('dueTimes', () => {
  it('lists every minute of a one-minute cron since the last one handled', () => {
    const due = dueTimes(
      scheduleOf('* * * * *', 'UTC'),
      new Date('2026-01-01T00:00:00Z'),
      new Date('2026-01-01T00:03:30Z'),
      600_000,
    );
    expect(iso(due)).toEqual([
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:02:00.000Z',
      '2026-01-01T00:03:00.000Z',
    ]);
  });

  it('catches up missed times older than the grace period with the latest one only', () => {
    const due = dueTimes(
      scheduleOf('0 * * * *', 'UTC'),
      new Date('2026-01-01T00:00:00Z'),
      new Date('2026-01-01T10:05:00Z'),
      30 * 60_000,
    );
    // 01:00 .. 09:00 were missed long ago: only 09:00 runs; 10:00 is within the grace period.
    expect(iso(due)).toEqual(['2026-01-01T09:00:00.000Z', '2026-01-01T10:00:00.000Z']);
  });

  it('runs a daily 09:00 London schedule at 09:00 local on both sides of the spring DST change', () => {
    const due = dueTimes(
      scheduleOf('0 9 * * *', 'Europe/London'),
      new Date('2026-03-28T00:00:00Z'),
      new Date('2026-03-30T00:00:00Z'),
      7 * 86_400_000,
    );
    expect(iso(due)).toEqual(['2026-03-28T09:00:00.000Z', '2026-03-29T08:00:00.000Z']);
  });

  it('runs a 01:30 London schedule once on the autumn day 01:30 happens twice', () => {
    const due = dueTimes(
      scheduleOf('30 1 * * *', 'Europe/London'),
      new Date('2026-10-24T12:00:00Z'),
      new Date('2026-10-25T12:00:00Z'),
      7 * 86_400_000,
    );
    expect(due).toHaveLength(1);
  });

  it('runs a 01:30 London schedule once on the spring day 01:30 does not exist', () => {
    const due = dueTimes(
      scheduleOf('30 1 * * *', 'Europe/London'),
      new Date('2026-03-28T12:00:00Z'),
      new Date('2026-03-29T12:00:00Z'),
      7 * 86_400_000,
    );
    expect(due).toHaveLength(1);
  });
});
