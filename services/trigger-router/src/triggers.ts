/**
 * Start runs from triggers. The same cause (tenant, source id, workflow) starts at most one run: a unique
 * key in PostgreSQL decides, and the `run.start` command is staged in the same transaction.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { cloudEvent, eventTypes, subjects, type RunStart, type TriggerInfo } from '@riskloop/contracts';
import type { Outbox, OutboxMessage } from '@riskloop/db';
import { RiskloopError } from '@riskloop/kit';
import { randomUUID } from 'node:crypto';
import { TriggeredRun } from './db/entities.ts';

export interface ActiveVersionSource {
  /** The version new runs start on (the registry answers; 409 unless active). */
  activeVersion(
    tenant: string,
    workflowId: string,
  ): Promise<Pick<RunStart, 'workflowId' | 'version' | 'definition'>>;
}

export interface TriggerRouterOptions {
  orm: MikroORM;
  outbox: Outbox;
  registry: ActiveVersionSource;
}

export interface StartedRun {
  runId: string;
  workflowId: string;
  version: number;
  /** False when this cause had already started a run: the existing one is returned. */
  created: boolean;
}

export function createTriggerRouter(options: TriggerRouterOptions) {
  const { orm, outbox, registry } = options;

  const existing = async (tenant: string, sourceId: string, workflowId: string) =>
    orm.em.fork().findOne(TriggeredRun, { tenantId: tenant, sourceId, workflowId });

  return {
    async startRun(tenant: string, workflowId: string, trigger: TriggerInfo): Promise<StartedRun> {
      const before = await existing(tenant, trigger.sourceId, workflowId);
      if (before) return { runId: before.runId, workflowId, version: before.version, created: false };

      const active = await registry.activeVersion(tenant, workflowId);
      const runId = randomUUID();
      const data: RunStart = {
        runId,
        workflowId,
        version: active.version,
        definition: active.definition,
        trigger,
      };
      const message: OutboxMessage = {
        subject: subjects.runStart(tenant),
        event: cloudEvent({
          id: randomUUID(),
          source: 'riskloop/trigger-router',
          type: eventTypes.runStart,
          tenant,
          data,
        }),
      };
      const inserted = await orm.em.fork().transactional(async (tx) => {
        const rows = await tx.execute<{ run_id: string }[]>(
          `insert into "trigger_router"."triggered_runs"
             (run_id, tenant_id, source_id, source_type, workflow_id, version, created_at)
           values (?, ?, ?, ?, ?, ?, now())
           on conflict (tenant_id, source_id, workflow_id) do nothing returning run_id`,
          [runId, tenant, trigger.sourceId, trigger.type, workflowId, active.version],
        );
        if (rows.length === 0) return false;
        await outbox.stage(tx, [message]);
        return true;
      });
      if (!inserted) {
        // A concurrent delivery of the same cause won the unique key.
        const winner = await existing(tenant, trigger.sourceId, workflowId);
        if (!winner) throw RiskloopError.unavailable('trigger dedupe row vanished');
        return { runId: winner.runId, workflowId, version: winner.version, created: false };
      }
      await outbox.send([message]);
      return { runId, workflowId, version: active.version, created: true };
    },

    async triggeredRun(tenant: string, runId: string) {
      const row = await orm.em.fork().findOne(TriggeredRun, { tenantId: tenant, runId });
      if (!row) throw RiskloopError.notFound('run', runId);
      return {
        runId: row.runId,
        workflowId: row.workflowId,
        version: row.version,
        createdAt: row.createdAt.toISOString(),
      };
    },
  };
}
