/**
 * Which scheduled times are due, as a pure function of the cron, its time zone, the last time handled and
 * now. Cron times are computed in the schedule's IANA time zone by croner, so wall-clock schedules follow
 * DST: a time that does not exist on the spring-forward day runs at the first valid time after it, and a
 * time that occurs twice in autumn runs once.
 *
 * Catch-up: times within `graceMs` of now are all due (a slow tick loses none); of the times missed by
 * more (everything was down), only the latest is due, once.
 */
import { Cron } from 'croner';

export function scheduleOf(cron: string, timezone: string): Cron {
  return new Cron(cron, { timezone, paused: true });
}

export function dueTimes(schedule: Cron, after: Date, now: Date, graceMs: number): Date[] {
  const horizon = new Date(now.getTime() - graceMs);
  const due: Date[] = [];
  if (after < horizon) {
    const [latestOld] = schedule.previousRuns(1, new Date(horizon.getTime() + 1));
    if (latestOld && latestOld > after) due.push(latestOld);
  }
  let cursor = after < horizon ? horizon : after;
  for (let i = 0; i < 10_000; i++) {
    const next = schedule.nextRun(cursor);
    if (!next || next > now) break;
    if (!due.some((d) => d.getTime() === next.getTime())) due.push(next);
    cursor = next;
  }
  return due;
}
