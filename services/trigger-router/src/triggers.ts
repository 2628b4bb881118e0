/**
 * Start runs from triggers. The same cause (tenant, source id, workflow) starts at most one run: a unique
 * key in PostgreSQL decides. A run is first queued (a row with its `run.start` data); `release` sends
 * queued runs to the runner through the outbox, at most `runsPerSecond` per tenant, oldest first: excess
 * waits in PostgreSQL and is never dropped. An outside event (breach, recovery, foreign event) is also
 * recorded once per source event id, and forwarded to waiting runs as a `run.signal` in the same
 * transaction.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  cloudEvent,
  eventTypes,
  subjects,
  type RunFinished,
  type RunSignal,
  type RunStart,
  type TriggerInfo,
  type WorkflowDefinition,
} from '@riskloop/contracts';
import { execute, type Outbox, type OutboxMessage } from '@riskloop/db';
import { currentTraceparent, RiskloopError, startLoop, type Logger } from '@riskloop/kit';
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
  log: Logger;
  runsPerSecond: number;
  /** Runs of a tenant released and not yet finished; more wait in PostgreSQL until some finish. */
  maxInFlight: number;
}

export interface StartedRun {
  runId: string;
  workflowId: string;
  version: number;
  /** False when this cause had already started a run: the existing one is returned. */
  created: boolean;
}

export interface RunToStart {
  workflowId: string;
  version: number;
  definition: WorkflowDefinition;
}

/** An outside event accepted once per (tenant, source id). */
export interface OutsideEvent {
  sourceId: string;
  kind: string;
  /** Forwarded to waiting runs; none for webhook deliveries. */
  signal?: RunSignal;
}

const table = '"trigger_router"."triggered_runs"';

export function createTriggerRouter(options: TriggerRouterOptions) {
  const { orm, outbox, registry } = options;

  const existing = async (tenant: string, sourceId: string, workflowId: string) =>
    orm.em.fork().findOne(TriggeredRun, { tenantId: tenant, sourceId, workflowId });

  /** Insert queued runs; returns the ids of the ones this call created (the others existed). */
  const queue = async (
    tx: EntityManager,
    tenant: string,
    trigger: TriggerInfo,
    runs: readonly RunToStart[],
  ): Promise<Map<string, string>> => {
    const created = new Map<string, string>();
    for (const run of runs) {
      const runId = randomUUID();
      const start: RunStart = { runId, ...run, trigger };
      const rows = await tx.execute<{ run_id: string }[]>(
        `insert into ${table}
           (run_id, tenant_id, source_id, source_type, workflow_id, version, created_at, start)
         values (?, ?, ?, ?, ?, ?, now(), ?::jsonb)
         on conflict (tenant_id, source_id, workflow_id) do nothing returning run_id`,
        [runId, tenant, trigger.sourceId, trigger.type, run.workflowId, run.version, JSON.stringify(start)],
      );
      if (rows.length > 0) created.set(run.workflowId, runId);
    }
    return created;
  };

  const signalMessage = (tenant: string, signal: RunSignal, event: OutsideEvent): OutboxMessage => ({
    subject: subjects.runSignal(tenant),
    event: cloudEvent({
      id: `signal:${event.kind}:${event.sourceId}`,
      source: 'riskloop/trigger-router',
      type: eventTypes.runSignal,
      tenant,
      data: signal,
    }),
  });

  /**
   * Send up to the tenant's allowance of queued runs to the runner. Returns how many were sent. One
   * statement: `release_queued` (migration Migration20261202063000) takes the tenant's release lock,
   * counts the allowance, marks the runs released and stages their `run.start` events, whose envelope is
   * built here.
   */
  const release = async (tenant: string): Promise<number> => {
    const envelope = cloudEvent({
      id: '',
      source: 'riskloop/trigger-router',
      type: eventTypes.runStart,
      tenant,
      data: null,
      // staged by SQL, not by the outbox, which would otherwise add the trace
      traceparent: currentTraceparent(),
    });
    const messages = await execute<OutboxMessage>(
      orm,
      `select subject, event from "trigger_router"."release_queued"(?, ?, ?, ?, ?::jsonb)`,
      [
        tenant,
        options.runsPerSecond,
        options.maxInFlight,
        subjects.runStart(tenant),
        JSON.stringify(envelope),
      ],
    );
    await outbox.send(messages);
    return messages.length;
  };

  /**
   * Release coalescing: while a release for a tenant runs, further requests (every accepted breach and
   * every finished run asks for one) join a single follow-up release instead of each taking the tenant's
   * lock and counting in-flight runs again. A request still resolves only after a release that began
   * after it: nothing queued is left behind.
   */
  const running = new Map<string, Promise<number>>();
  const following = new Map<string, Promise<number>>();
  const releaseFor = (tenant: string): Promise<number> => {
    const run = release(tenant).finally(() => {
      if (running.get(tenant) === run) running.delete(tenant);
    });
    running.set(tenant, run);
    return run;
  };
  const requestRelease = (tenant: string): Promise<number> => {
    const current = running.get(tenant);
    if (!current) return releaseFor(tenant);
    let next = following.get(tenant);
    if (!next) {
      next = current
        .catch(() => 0)
        .then(() => {
          following.delete(tenant);
          return running.get(tenant) ?? releaseFor(tenant);
        });
      following.set(tenant, next);
    }
    return next;
  };

  const router = {
    release,

    /**
     * Accept an outside event once: record it, forward it to waiting runs, and queue a run for each
     * workflow it starts. False when this source event was seen before (nothing happens again).
     */
    async acceptEvent(
      tenant: string,
      event: OutsideEvent,
      trigger: TriggerInfo,
      runs: readonly RunToStart[],
    ): Promise<{ fresh: boolean; runs: Map<string, string> }> {
      const signals = event.signal ? [signalMessage(tenant, event.signal, event)] : [];
      // One statement: the event is recorded, its runs queued and its signal staged together, or, when the
      // event was seen before, nothing is written.
      const queued = runs.map((run) => {
        const runId = randomUUID();
        const start: RunStart = { runId, ...run, trigger };
        return [runId, run.workflowId, run.version, JSON.stringify(start)];
      });
      const staged = outbox.stageCte(signals, 'exists (select 1 from e)');
      const [row] = await execute<{ fresh: number; runs: { run_id: string; workflow_id: string }[] }>(
        orm,
        `with e as (
           insert into "trigger_router"."received_events" (tenant_id, source_id, kind, type, received_at)
           values (?, ?, ?, ?, now()) on conflict do nothing returning 1
         )${
           queued.length === 0
             ? ''
             : `, q as (
           insert into ${table} (run_id, tenant_id, source_id, source_type, workflow_id, version, created_at, start)
           select v.run_id::uuid, ?, ?, ?, v.workflow_id::uuid, v.version::int, now(), v.start::jsonb
           from (values ${queued.map(() => '(?, ?, ?, ?)').join(', ')}) as v(run_id, workflow_id, version, start)
           where exists (select 1 from e)
           on conflict (tenant_id, source_id, workflow_id) do nothing returning run_id, workflow_id
         )`
         }${staged.sql}
         select (select count(*) from e)::int as fresh,
           ${queued.length === 0 ? `'[]'::json` : `coalesce((select json_agg(q) from q), '[]'::json)`} as runs`,
        [
          tenant,
          `${event.kind}:${event.sourceId}`,
          event.kind,
          event.signal?.eventType ?? event.kind,
          ...(queued.length === 0 ? [] : [tenant, trigger.sourceId, trigger.type, ...queued.flat()]),
          ...staged.params,
        ],
      );
      const result = {
        fresh: (row?.fresh ?? 0) > 0,
        runs: new Map((row?.runs ?? []).map((r) => [r.workflow_id, r.run_id])),
      };
      if (result.fresh) await outbox.send(signals);
      if (result.runs.size > 0) await requestRelease(tenant);
      return result;
    },

    /** Start one run of `workflowId`'s active version for `trigger` (manual, webhook, schedule). */
    async startRun(tenant: string, workflowId: string, trigger: TriggerInfo): Promise<StartedRun> {
      const before = await existing(tenant, trigger.sourceId, workflowId);
      if (before) return { runId: before.runId, workflowId, version: before.version, created: false };
      const active = await registry.activeVersion(tenant, workflowId);
      return router.startVersion(
        tenant,
        { workflowId, version: active.version, definition: active.definition },
        trigger,
      );
    },

    /** Start a run of a known version (the index already has it). */
    async startVersion(tenant: string, run: RunToStart, trigger: TriggerInfo): Promise<StartedRun> {
      const created = await orm.em.fork().transactional((tx) => queue(tx, tenant, trigger, [run]));
      const runId = created.get(run.workflowId);
      if (!runId) {
        // An earlier or concurrent delivery of the same cause won the unique key.
        const winner = await existing(tenant, trigger.sourceId, run.workflowId);
        if (!winner) throw RiskloopError.unavailable('trigger dedupe row vanished');
        return { runId: winner.runId, workflowId: run.workflowId, version: winner.version, created: false };
      }
      await requestRelease(tenant);
      return { runId, workflowId: run.workflowId, version: run.version, created: true };
    },

    /** The runner reports a run finished: it leaves the tenant's in-flight count, and queued runs may go. */
    async finished(tenant: string, finished: RunFinished): Promise<void> {
      await execute(
        orm,
        `update ${table} set finished_at = now() where run_id = ? and tenant_id = ? and finished_at is null`,
        [finished.runId, tenant],
      );
      await requestRelease(tenant);
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

    /** Release what is left queued (other copies' work, limits, crashes) every `everyMs`. */
    startReleaser(everyMs = 500): () => Promise<void> {
      return startLoop({
        name: 'queued run release',
        everyMs,
        log: options.log,
        task: async () => {
          const tenants = await orm.em
            .fork()
            .execute<{ tenant_id: string }[]>(
              `select distinct tenant_id from ${table} where released_at is null`,
            );
          for (const { tenant_id } of tenants) await release(tenant_id);
        },
      });
    },
  };
  return router;
}

export type TriggerRouter = ReturnType<typeof createTriggerRouter>;
