/**
 * The time schedules see. In production the real time; tests may start it elsewhere and run it faster
 * (`TRIGGER_CLOCK_*`), so that 30 simulated minutes of a one-minute cron pass in seconds. Copies given the
 * same settings read the same time.
 */
export interface Clock {
  now(): Date;
}

export interface ClockOptions {
  start?: Date | undefined;
  epochMs?: number | undefined;
  speed?: number | undefined;
  realNow?: () => number;
}

export function createClock(options: ClockOptions = {}): Clock {
  const realNow = options.realNow ?? Date.now;
  const speed = options.speed ?? 1;
  const epoch = options.epochMs ?? realNow();
  const start = options.start?.getTime() ?? epoch;
  return { now: () => new Date(start + (realNow() - epoch) * speed) };
}
