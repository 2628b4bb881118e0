/**
 * The runner host (DESIGN.md, durability rules 1, 3, 4 and 7). Each event is applied in one PostgreSQL
 * transaction: the history row (unique per event id, so a redelivered event changes nothing), the new
 * snapshot written with a compare-and-swap on `version`, and the outbox rows for the step commands the
 * transition asked for. The commands are published after the commit. No actor lives in memory between
 * events: a run waiting for anything costs rows, not RAM, and any runner copy can take the next event.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  WorkflowDefinition,
  type CloudEvent,
  type RunStart,
  type RunView,
  type StepFailed,
  type StepSucceeded,
} from '@riskloop/contracts';
import type { Outbox, OutboxMessage } from '@riskloop/db';
import { RiskloopError } from '@riskloop/kit';
import { initialTransition, transition } from 'xstate';
import type { RunEvent, RunMachine } from './machine.ts';
import type { MachineCache } from './machines.ts';
import { statusOf, toRunView, type RunRow } from './run-view.ts';
import { dispatchesOf, pendingDispatches, stepCommands } from './step-commands.ts';

export interface RunHostOptions {
  orm: MikroORM;
  outbox: Outbox;
  machines: MachineCache;
  /** Recorded on every history row this copy writes. */
  instanceId: string;
}

export function createRunHost(options: RunHostOptions) {
  const { orm, outbox, machines, instanceId } = options;

  const pinnedDefinition = (em: EntityManager, workflowId: string, version: number) => async () => {
    const rows = await em.execute<{ definition: unknown }[]>(
      `select definition from "runner"."workflow_versions" where workflow_id = ? and version = ?`,
      [workflowId, version],
    );
    if (!rows[0]) throw RiskloopError.poison(`no pinned definition for ${workflowId}@${version}`);
    return WorkflowDefinition.parse(rows[0].definition);
  };

  /** Insert the history row; false when this event was applied before. */
  const recordEvent = async (
    em: EntityManager,
    tenant: string,
    runId: string,
    event: CloudEvent,
    from: unknown,
    to: unknown,
  ): Promise<boolean> => {
    const rows = await em.execute<{ id: string }[]>(
      `insert into "runner"."run_history" (tenant_id, run_id, event_id, event_type, state_from, state_to, at, processed_by)
       values (?, ?, ?, ?, ?, ?, now(), ?) on conflict (tenant_id, event_id) do nothing returning id`,
      [
        tenant,
        runId,
        event.id,
        event.type,
        from === undefined ? null : JSON.stringify(from),
        JSON.stringify(to),
        instanceId,
      ],
    );
    return rows.length > 0;
  };

  return {
    /** Apply `run.start`: create the run on its pinned version and dispatch its first step. */
    async start(event: CloudEvent<RunStart>): Promise<void> {
      const tenant = event.tenantid;
      const { runId, workflowId, version, definition, trigger } = event.data;
      const { machine } = await machines.get(workflowId, version, () => definition);
      const [snapshot, actions] = initialTransition(machine, {
        runId,
        tenant,
        workflowId,
        version,
        trigger,
        at: event.time,
      });
      const status = statusOf(snapshot.value);
      const messages = stepCommands({ tenant, runId, workflowId, definition }, dispatchesOf(actions));
      const applied = await orm.em.fork().transactional(async (tx) => {
        if (!(await recordEvent(tx, tenant, runId, event, undefined, snapshot.value))) return false;
        await tx.execute(
          `insert into "runner"."workflow_versions" (workflow_id, version, tenant_id, definition)
           values (?, ?, ?, ?::jsonb) on conflict do nothing`,
          [workflowId, version, tenant, JSON.stringify(definition)],
        );
        await tx.execute(
          `insert into "runner"."runs"
             (id, tenant_id, workflow_id, workflow_version, status, snapshot, version, created_at, updated_at, finished_at)
           values (?, ?, ?, ?, ?, ?::jsonb, 1, now(), now(), ?)`,
          [
            runId,
            tenant,
            workflowId,
            version,
            status,
            JSON.stringify(persist(snapshot)),
            status === 'running' ? null : new Date(),
          ],
        );
        await outbox.stage(tx, messages);
        return true;
      });
      if (applied) await outbox.send(messages);
    },

    /** Apply a step result to its run. */
    async apply(
      event: CloudEvent<StepSucceeded> | CloudEvent<StepFailed>,
      runEvent: RunEvent,
    ): Promise<void> {
      const tenant = event.tenantid;
      const runId = event.data.runId;
      const messages: OutboxMessage[] = [];
      await orm.em.fork().transactional(async (tx) => {
        const rows = await tx.execute<(RunRow & { version: number })[]>(
          `select id, workflow_id, workflow_version, status, snapshot, version, created_at, updated_at, finished_at
           from "runner"."runs" where id = ? and tenant_id = ?`,
          [runId, tenant],
        );
        const row = rows[0];
        if (!row) throw RiskloopError.poison(`event ${event.id} is for unknown run ${runId}`);
        const { machine, definition } = await machines.get(
          row.workflow_id,
          row.workflow_version,
          pinnedDefinition(tx, row.workflow_id, row.workflow_version),
        );
        const current = machine.resolveState(row.snapshot as Parameters<RunMachine['resolveState']>[0]);
        const [next, actions] = transition(machine, current, runEvent);
        if (!(await recordEvent(tx, tenant, runId, event, current.value, next.value))) return;
        if (next === current) return; // not for the current step (stale attempt): recorded, nothing changes
        const status = statusOf(next.value);
        const updated = await tx.execute<{ id: string }[]>(
          `update "runner"."runs" set snapshot = ?::jsonb, status = ?, version = version + 1, updated_at = now(),
             finished_at = ? where id = ? and version = ? returning id`,
          [
            JSON.stringify(persist(next)),
            status,
            status === 'running' ? null : new Date(),
            runId,
            row.version,
          ],
        );
        if (updated.length === 0) {
          throw RiskloopError.unavailable(
            `run ${runId} changed concurrently; event ${event.id} will be retried`,
          );
        }
        messages.push(
          ...stepCommands({ tenant, runId, workflowId: row.workflow_id, definition }, dispatchesOf(actions)),
        );
        await outbox.stage(tx, messages);
      });
      await outbox.send(messages);
    },

    /**
     * Re-drive runs that have not moved for `stallMs` (DESIGN.md, durability rule 2): NATS may lose a
     * message, so the steps a stalled run waits on are dispatched again, with the same idempotency keys.
     * Returns how many runs were re-driven.
     */
    async redriveStalled(stallMs: number, limit = 100): Promise<number> {
      const messages: OutboxMessage[] = [];
      const count = await orm.em.fork().transactional(async (tx) => {
        const rows = await tx.execute<(RunRow & { tenant_id: string })[]>(
          `select id, tenant_id, workflow_id, workflow_version, snapshot from "runner"."runs"
           where status = 'running' and updated_at < now() - (? * interval '1 millisecond')
           order by updated_at limit ? for update skip locked`,
          [stallMs, limit],
        );
        for (const row of rows) {
          const { definition } = await machines.get(
            row.workflow_id,
            row.workflow_version,
            pinnedDefinition(tx, row.workflow_id, row.workflow_version),
          );
          const run = { tenant: row.tenant_id, runId: row.id, workflowId: row.workflow_id, definition };
          messages.push(...stepCommands(run, pendingDispatches(row.snapshot.context)));
        }
        if (rows.length > 0) {
          const placeholders = rows.map(() => '?').join(', ');
          await tx.execute(
            `update "runner"."runs" set updated_at = now() where id in (${placeholders})`,
            rows.map((r) => r.id),
          );
        }
        await outbox.stage(tx, messages);
        return rows.length;
      });
      await outbox.send(messages);
      return count;
    },

    async getRun(tenant: string, runId: string): Promise<RunView> {
      const rows = await orm.em.fork().execute<RunRow[]>(
        `select id, workflow_id, workflow_version, status, snapshot, created_at, updated_at, finished_at
         from "runner"."runs" where id = ? and tenant_id = ?`,
        [runId, tenant],
      );
      if (!rows[0]) throw RiskloopError.notFound('run', runId);
      return toRunView(rows[0]);
    },
  };
}

function persist(snapshot: { value: unknown; context: unknown }): { value: unknown; context: unknown } {
  return { value: snapshot.value, context: snapshot.context };
}

export type RunHost = ReturnType<typeof createRunHost>;
