/**
 * Schedule triggers: every tick, each copy computes the due times of every active schedule
 * (`schedule-times.ts`) since its cursor, and starts one run per time. The run's cause is the schedule and
 * the time (`schedule:<trigger index>:<ISO time>`), unique with tenant and workflow in PostgreSQL: two
 * copies computing the same time start one run. A schedule first seen starts at now (no back-fill).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { startLoop, type Logger } from '@riskloop/kit';
import type { Clock } from './clock.ts';
import { dueTimes, scheduleOf } from './schedule-times.ts';
import type { TriggerRouter } from './triggers.ts';
import type { WorkflowIndex } from './workflow-index.ts';

export interface ScheduleOptions {
  orm: MikroORM;
  router: TriggerRouter;
  index: WorkflowIndex;
  clock: Clock;
  log: Logger;
  tickMs: number;
  graceMs: number;
}

const cursors = '"trigger_router"."schedule_cursors"';

export function startSchedules(options: ScheduleOptions): () => Promise<void> {
  const { orm, router, index, clock } = options;

  const tick = async () => {
    const now = clock.now();
    for (const workflow of index.all((t) => t.type === 'schedule')) {
      for (const [i, trigger] of workflow.definition.triggers.entries()) {
        if (trigger.type !== 'schedule') continue;
        const em = orm.em.fork();
        await em.execute(
          `insert into ${cursors} (workflow_id, trigger_index, tenant_id, last_fire_at) values (?, ?, ?, ?)
           on conflict do nothing`,
          [workflow.workflowId, i, workflow.tenantId, now],
        );
        const [cursor] = await em.execute<{ last_fire_at: Date }[]>(
          `select last_fire_at from ${cursors} where workflow_id = ? and trigger_index = ?`,
          [workflow.workflowId, i],
        );
        if (!cursor) continue;
        const due = dueTimes(
          scheduleOf(trigger.cron, trigger.timezone),
          new Date(cursor.last_fire_at),
          now,
          options.graceMs,
        );
        for (const at of due) {
          await router.startVersion(
            workflow.tenantId,
            { workflowId: workflow.workflowId, version: workflow.version, definition: workflow.definition },
            {
              type: 'schedule',
              sourceId: `schedule:${i}:${at.toISOString()}`,
              payload: { scheduled_at: at.toISOString(), cron: trigger.cron, timezone: trigger.timezone },
            },
          );
          await em.execute(
            `update ${cursors} set last_fire_at = greatest(last_fire_at, ?) where workflow_id = ? and trigger_index = ?`,
            [at, workflow.workflowId, i],
          );
        }
      }
    }
  };

  return startLoop({ name: 'schedule tick', everyMs: options.tickMs, log: options.log, task: tick });
}
