/**
 * The runner host (DESIGN.md, durability rules 1 to 7). Each event is applied to its run in one PostgreSQL
 * transaction: the run row is locked, the pure `transition()` computes the next snapshot and its effects,
 * the history row (unique per event id) makes a redelivered event a no-op, the snapshot is written with a
 * compare-and-swap on `version`, and the effects become timer, approval and wait rows and outbox rows. The
 * outbox is published after the commit. No actor lives in memory between events: a run waiting for
 * anything costs rows, not RAM, and any runner copy can take its next event.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  cloudEvent,
  eventTypes,
  subjects,
  WorkflowDefinition,
  type Caller,
  type CloudEvent,
  type DecisionBody,
  type RunSignal,
  type RunStart,
  type RunView,
} from '@riskloop/contracts';
import { execute, type Outbox, type OutboxMessage } from '@riskloop/db';
import { metrics, RiskloopError } from '@riskloop/kit';
import { randomUUID } from 'node:crypto';
import { initialTransition, transition } from 'xstate';
import { toApprovalView, type ApprovalRow } from './approval-views.ts';
import { carryOut, commandsOf, effectsOf, storesRows } from './effects.ts';
import {
  approverFor,
  type Decision,
  type Effect,
  type RunContext,
  type RunEvent,
  type RunMachine,
} from './machine/index.ts';
import type { MachineCache } from './machines.ts';
import { createRecentRuns, type RecentRun } from './recent-runs.ts';
import { statusOf, toRunView, type RunRow } from './run-view.ts';
import { writeStart, writeTransition } from './run-writes.ts';
import { pendingDispatches, stepCommand, type RunRef } from './step-commands.ts';

export interface RunHostOptions {
  orm: MikroORM;
  outbox: Outbox;
  machines: MachineCache;
  /** Recorded on every history row this copy writes. */
  instanceId: string;
  /** A dispatched step without a result for this long is sent again (same idempotency key). */
  stallMs: number;
  /**
   * Does the tenant map step results to KRI events (a definition with `from_result`)? Step results go to
   * the KRI emitter only then. Absent: always.
   */
  mapsResults?: (tenant: string) => Promise<boolean>;
}

type LockedRun = RunRow & { tenant_id: string; version: number };

interface Applied {
  row: LockedRun;
  context: RunContext;
  status: RunView['status'];
}

/** Does the run wait on another service (a dispatched step), so that silence means something was lost? */
const awaitsDispatch = (context: RunContext) => pendingDispatches(context).length > 0;

/** Conflicting writers of one run (parallel branches finishing together) retry this often in-process. */
const casAttempts = 20;

export function createRunHost(options: RunHostOptions) {
  const { orm, outbox, machines, instanceId, stallMs, mapsResults } = options;
  const service = { service: 'runner' };
  /** Versions this process has pinned (stored in workflow_versions): later starts skip the insert. */
  const pinned = new Set<string>();
  const recent = createRecentRuns();

  const readRun = async (
    tenant: string,
    runId: string,
    event: { id: string; type: string },
  ): Promise<RecentRun> => {
    const [row] = await execute<RecentRun>(
      orm,
      `select id, tenant_id, workflow_id, workflow_version, status, snapshot, version
       from "runner"."runs" where id = ? and tenant_id = ?`,
      [runId, tenant],
    );
    if (!row) throw RiskloopError.poison(`event ${event.id} (${event.type}) is for unknown run ${runId}`);
    return row;
  };

  /** Metrics of one applied event (after its commit). */
  const counted = (
    eventType: string,
    before: string,
    after: string,
    messages: readonly OutboxMessage[],
    runEvent?: RunEvent,
  ) => {
    metrics.runEvents.inc({ ...service, type: eventType });
    if (before === 'running' && after !== 'running') metrics.runsFinished.inc({ ...service, status: after });
    for (const m of messages)
      if (m.event.type === eventTypes.stepExec)
        metrics.stepsDispatched.inc({ ...service, kind: (m.event.data as { kind: string }).kind });
    if (runEvent && (runEvent.type === 'step.succeeded' || runEvent.type === 'step.failed')) {
      const startedAt = (runEvent as { startedAt?: string }).startedAt;
      if (startedAt)
        metrics.stepSeconds.observe(
          { ...service, outcome: runEvent.type === 'step.succeeded' ? 'succeeded' : 'failed' },
          Math.max(0, Date.now() - Date.parse(startedAt)) / 1000,
        );
    }
  };

  /** A transition's effects to carry out: `result` ones only for a tenant that maps results (or may). */
  const wantedEffects = async (tenant: string, effects: Effect[]): Promise<Effect[]> => {
    if (!mapsResults || !effects.some((e) => e.type === 'result')) return effects;
    // when the mappings cannot be read, the results go: the KRI emitter decides, nothing is lost
    const maps = await mapsResults(tenant).catch(() => true);
    return maps ? effects : effects.filter((e) => e.type !== 'result');
  };

  /** Read by the transaction `em` when given, else by an autocommit statement. */
  const pinnedDefinition =
    (em: EntityManager | undefined, workflowId: string, version: number) => async () => {
      const sql = `select definition from "runner"."workflow_versions" where workflow_id = ? and version = ?`;
      const rows = em
        ? await em.execute<{ definition: unknown }[]>(sql, [workflowId, version])
        : await execute<{ definition: unknown }>(orm, sql, [workflowId, version]);
      if (!rows[0]) throw RiskloopError.poison(`no pinned definition for ${workflowId}@${version}`);
      return WorkflowDefinition.parse(rows[0].definition);
    };

  /** Insert the history row; false when this event was applied before. */
  const recordEvent = async (
    em: EntityManager,
    run: { tenant: string; runId: string },
    event: { id: string; type: string },
    from: unknown,
    to: unknown,
  ): Promise<boolean> => {
    const rows = await em.execute<{ id: string }[]>(
      `insert into "runner"."run_history" (tenant_id, run_id, event_id, event_type, state_from, state_to, at, processed_by)
       values (?, ?, ?, ?, ?, ?, now(), ?) on conflict (tenant_id, event_id) do nothing returning id`,
      [
        run.tenant,
        run.runId,
        event.id,
        event.type,
        from === undefined ? null : JSON.stringify(from),
        JSON.stringify(to),
        instanceId,
      ],
    );
    return rows.length > 0;
  };

  const lockRun = async (
    tx: EntityManager,
    tenant: string,
    runId: string,
  ): Promise<LockedRun | undefined> => {
    const rows = await tx.execute<LockedRun[]>(
      `select id, tenant_id, workflow_id, workflow_version, status, snapshot, version, created_at, updated_at, finished_at
       from "runner"."runs" where id = ? and tenant_id = ? for update`,
      [runId, tenant],
    );
    return rows[0];
  };

  /**
   * Apply one event to a locked run. Returns undefined when the event was applied before; the outbox
   * messages to send after the commit are pushed onto `messages`.
   */
  const applyLocked = async (
    tx: EntityManager,
    row: LockedRun,
    event: { id: string; type: string },
    runEvent: RunEvent,
    messages: OutboxMessage[],
  ): Promise<Applied | undefined> => {
    recent.forget(row.id);
    const { machine, definition } = await machines.get(
      row.workflow_id,
      row.workflow_version,
      pinnedDefinition(tx, row.workflow_id, row.workflow_version),
    );
    const run: RunRef = { tenant: row.tenant_id, runId: row.id, workflowId: row.workflow_id, definition };
    const current = machine.resolveState(row.snapshot as Parameters<RunMachine['resolveState']>[0]);
    const [next, actions] = transition(machine, current, runEvent);
    if (!(await recordEvent(tx, run, event, current.value, next.value))) return undefined;
    const status = statusOf(next.value);
    if (next !== current) {
      const updated = await tx.execute<{ id: string }[]>(
        `update "runner"."runs" set snapshot = ?::jsonb, status = ?, version = version + 1, updated_at = now(),
           finished_at = ?, stalls_at = case when ? then now() + (? * interval '1 millisecond') else null end
         where id = ? and version = ? returning id`,
        [
          JSON.stringify(persist(next)),
          status,
          status === 'running' ? null : new Date(),
          status === 'running' && awaitsDispatch(next.context),
          stallMs,
          row.id,
          row.version,
        ],
      );
      if (updated.length === 0)
        throw RiskloopError.unavailable(
          `run ${row.id} changed concurrently; event ${event.id} will be retried`,
        );
      messages.push(...(await carryOut(tx, run, await wantedEffects(row.tenant_id, effectsOf(actions)))));
      if (status !== 'running' && row.status === 'running') messages.push(finishedMessage(run, status));
    }
    return { row, context: next.context, status };
  };

  /** Apply an event to its run in a transaction that holds the run's row lock (transitions that write rows). */
  const applyEventLocked = async (
    tenant: string,
    runId: string,
    event: { id: string; type: string },
    runEvent: RunEvent,
  ): Promise<void> => {
    const messages: OutboxMessage[] = [];
    const applied = await orm.em.fork().transactional(async (tx) => {
      const row = await lockRun(tx, tenant, runId);
      if (!row) throw RiskloopError.poison(`event ${event.id} (${event.type}) is for unknown run ${runId}`);
      const result = await applyLocked(tx, row, event, runEvent, messages);
      await outbox.stage(tx, messages);
      return result;
    });
    if (applied) counted(event.type, applied.row.status, applied.status, messages, runEvent);
    await outbox.send(messages);
  };

  /**
   * Apply an event from the bus to its run. Most transitions (a step's result, the next step's command)
   * are written by one statement (run-writes.ts): read the run, compute the transition, compare-and-swap.
   * A transition that also writes timer, approval or wait rows takes the locked transaction.
   */
  const applyEvent = async (
    tenant: string,
    runId: string,
    event: { id: string; type: string },
    runEvent: RunEvent,
  ): Promise<void> => {
    for (let attempt = 1; attempt <= casAttempts; attempt += 1) {
      // the run as this copy last wrote it, if it did: a stale copy fails the compare-and-swap below
      const row = (attempt === 1 && recent.get(tenant, runId)) || (await readRun(tenant, runId, event));
      const { machine, definition } = await machines.get(
        row.workflow_id,
        row.workflow_version,
        pinnedDefinition(undefined, row.workflow_id, row.workflow_version),
      );
      const run: RunRef = { tenant, runId, workflowId: row.workflow_id, definition };
      const current = machine.resolveState(row.snapshot as Parameters<RunMachine['resolveState']>[0]);
      const [next, actions] = transition(machine, current, runEvent);
      const effects = await wantedEffects(tenant, effectsOf(actions));
      if (storesRows(effects)) {
        recent.forget(runId);
        return applyEventLocked(tenant, runId, event, runEvent);
      }
      const status = statusOf(next.value);
      const changed = next !== current;
      const finishing = changed && status !== 'running' && row.status === 'running';
      const stored = changed ? JSON.stringify(persist(next)) : undefined;
      const messages = changed
        ? [...commandsOf(run, effects), ...(finishing ? [finishedMessage(run, status)] : [])]
        : [];
      const result = await writeTransition(orm, outbox, {
        tenant,
        runId,
        version: row.version,
        event,
        from: current.value,
        to: next.value,
        snapshot: stored,
        status: changed ? status : row.status,
        finished: status !== 'running',
        awaitsDispatch: status === 'running' && awaitsDispatch(next.context),
        stallMs,
        instanceId,
        messages,
      });
      if (result === 'seen') return;
      if (result === 'written') {
        recent.written({
          ...row,
          status: changed ? status : row.status,
          snapshot: stored === undefined ? row.snapshot : fromStored(stored),
          version: row.version + 1,
        });
        counted(event.type, row.status, changed ? status : row.status, messages, runEvent);
        await outbox.send(messages);
        return;
      }
      recent.forget(runId);
    }
    throw RiskloopError.unavailable(`run ${runId} kept changing; event ${event.id} will be retried`);
  };

  return {
    /** Apply `run.start`: create the run on its pinned version and enter its first step. */
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
      const run: RunRef = { tenant, runId, workflowId, definition };
      const effects = effectsOf(actions);
      if (!storesRows(effects)) {
        const key = `${workflowId}@${version}`;
        const stored = JSON.stringify(persist(snapshot));
        const messages = [
          ...commandsOf(run, effects),
          ...(status !== 'running' ? [finishedMessage(run, status)] : []),
        ];
        const created = await writeStart(orm, outbox, {
          tenant,
          runId,
          workflowId,
          version,
          definition: pinned.has(key) ? undefined : definition,
          event,
          to: snapshot.value,
          snapshot: stored,
          status,
          finished: status !== 'running',
          awaitsDispatch: status === 'running' && awaitsDispatch(snapshot.context),
          stallMs,
          instanceId,
          messages,
        });
        pinned.add(key);
        if (!created) return;
        recent.written({
          id: runId,
          tenant_id: tenant,
          workflow_id: workflowId,
          workflow_version: version,
          status,
          snapshot: fromStored(stored),
          version: 1,
        });
        metrics.runsStarted.inc(service);
        counted(event.type, 'running', status, messages);
        await outbox.send(messages);
        return;
      }
      const messages: OutboxMessage[] = [];
      let created = false;
      await orm.em.fork().transactional(async (tx) => {
        if (!(await recordEvent(tx, run, event, undefined, snapshot.value))) return;
        created = true;
        await tx.execute(
          `insert into "runner"."workflow_versions" (workflow_id, version, tenant_id, definition)
           values (?, ?, ?, ?::jsonb) on conflict do nothing`,
          [workflowId, version, tenant, JSON.stringify(definition)],
        );
        await tx.execute(
          `insert into "runner"."runs" (id, tenant_id, workflow_id, workflow_version, status, snapshot, version,
             created_at, updated_at, finished_at, stalls_at)
           values (?, ?, ?, ?, ?, ?::jsonb, 1, now(), now(), ?,
             case when ? then now() + (? * interval '1 millisecond') else null end)`,
          [
            runId,
            tenant,
            workflowId,
            version,
            status,
            JSON.stringify(persist(snapshot)),
            status === 'running' ? null : new Date(),
            status === 'running' && awaitsDispatch(snapshot.context),
            stallMs,
          ],
        );
        messages.push(...(await carryOut(tx, run, effects)));
        if (status !== 'running') messages.push(finishedMessage(run, status));
        await outbox.stage(tx, messages);
      });
      if (created) {
        metrics.runsStarted.inc(service);
        counted(event.type, 'running', status, messages);
      }
      await outbox.send(messages);
    },

    /** A step result or a timer firing, from the bus. */
    apply(event: CloudEvent<{ runId: string }>, runEvent: RunEvent): Promise<void> {
      return applyEvent(event.tenantid, event.data.runId, event, runEvent);
    },

    /** An outside event: every run of the tenant waiting for its type hears it once. */
    async signal(event: CloudEvent<RunSignal>): Promise<number> {
      const waiting = await execute<{ run_id: string }>(
        orm,
        `select distinct run_id from "runner"."waits" where tenant_id = ? and event_type = ?`,
        [event.tenantid, event.data.eventType],
      );
      for (const { run_id: runId } of waiting) {
        await applyEvent(
          event.tenantid,
          runId,
          { id: `${event.id}:${runId}`, type: event.type },
          {
            type: 'signal',
            at: event.time,
            eventType: event.data.eventType,
            sourceId: event.data.sourceId,
            data: event.data.data,
          },
        );
      }
      return waiting.length;
    },

    /** `POST /api/runs/:runId/cancel`: 409 once the run has finished. */
    async cancel(tenant: string, runId: string, actor: string, reason?: string): Promise<RunView> {
      const messages: OutboxMessage[] = [];
      const view = await orm.em.fork().transactional(async (tx) => {
        const row = await lockRun(tx, tenant, runId);
        if (!row) throw RiskloopError.notFound('run', runId);
        if (row.status !== 'running')
          throw RiskloopError.conflict(`the run already finished (${row.status})`);
        const event = { id: randomUUID(), type: 'riskloop.run.cancel' };
        await applyLocked(
          tx,
          row,
          event,
          { type: 'run.cancel', at: new Date().toISOString(), actor, ...(reason ? { reason } : {}) },
          messages,
        );
        await outbox.stage(tx, messages);
        return (await lockRun(tx, tenant, runId)) as LockedRun;
      });
      await outbox.send(messages);
      return toRunView(view);
    },

    /**
     * A person's decision: checked against the run's own approval state (403 not an approver or the
     * requester, 409 already settled), recorded immutably, and applied to the run in one transaction.
     */
    async decide(tenant: string, approvalId: string, caller: Caller, body: DecisionBody) {
      const messages: OutboxMessage[] = [];
      const result = await orm.em.fork().transactional(async (tx) => {
        const found = await tx.execute<{ run_id: string; step_id: string }[]>(
          `select run_id, step_id from "runner"."approvals" where id = ? and tenant_id = ?`,
          [approvalId, tenant],
        );
        if (!found[0]) throw RiskloopError.notFound('approval', approvalId);
        const row = await lockRun(tx, tenant, found[0].run_id);
        const state = row?.snapshot.context.approvals?.[found[0].step_id];
        if (!row || !state || state.id !== approvalId) throw RiskloopError.notFound('approval', approvalId);
        if (row.status !== 'running' && state.status === 'pending')
          throw RiskloopError.conflict(`the run already finished (${row.status})`);
        const decision: Decision = {
          id: randomUUID(),
          decision: body.decision,
          actor: caller.actor,
          ...(caller.user ? { user: caller.user } : {}),
          approver: approverFor(state, caller),
          ...(body.comment ? { comment: body.comment } : {}),
          at: new Date().toISOString(),
        };
        await tx.execute(
          `insert into "runner"."approval_decisions"
             (id, tenant_id, approval_id, run_id, decision, actor, user_id, approver, comment, decided_at)
           values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)`,
          [
            decision.id,
            tenant,
            approvalId,
            row.id,
            decision.decision,
            decision.actor,
            decision.user ?? null,
            JSON.stringify(decision.approver),
            decision.comment ?? null,
            decision.at,
          ],
        );
        await applyLocked(
          tx,
          row,
          { id: decision.id, type: 'riskloop.approval.decided' },
          { type: 'approval.decided', at: decision.at, approvalId, decision },
          messages,
        );
        await outbox.stage(tx, messages);
        const saved = await tx.execute<ApprovalRow[]>(
          `select id, run_id, workflow_id, status, state from "runner"."approvals" where id = ?`,
          [approvalId],
        );
        return { approval: toApprovalView(saved[0] as ApprovalRow), decision };
      });
      await outbox.send(messages);
      const { decision } = result;
      return {
        approval: result.approval,
        decision: {
          id: decision.id,
          decision: decision.decision,
          actor: decision.actor,
          ...(decision.user ? { user: decision.user } : {}),
          approver: decision.approver,
          comment: decision.comment ?? null,
          at: decision.at,
        },
      };
    },

    /**
     * Turn due timers into `riskloop.run.timer` events (the timer's id is the event id, so a timer fires
     * once however often it is published). Claimed with `FOR UPDATE SKIP LOCKED`: copies share the work.
     */
    async fireDueTimers(limit = 200): Promise<number> {
      const messages: OutboxMessage[] = [];
      await orm.em.fork().transactional(async (tx) => {
        const due = await tx.execute<
          { id: string; tenant_id: string; run_id: string; key: string; due_at: Date }[]
        >(
          `select id, tenant_id, run_id, key, due_at from "runner"."timers"
           where fired_at is null and due_at <= now() order by due_at limit ? for update skip locked`,
          [limit],
        );
        if (due.length === 0) return;
        await tx.execute(
          `update "runner"."timers" set fired_at = now() where id in (${due.map(() => '?').join(', ')})`,
          due.map((t) => t.id),
        );
        messages.push(...due.map(timerEvent));
        await outbox.stage(tx, messages);
        for (const t of due)
          metrics.timerLag.observe(service, Math.max(0, Date.now() - new Date(t.due_at).getTime()) / 1000);
      });
      await outbox.send(messages);
      return messages.length;
    },

    /**
     * Re-drive runs whose dispatched step has had no result for `stallMs` (DESIGN.md, durability rule 2):
     * NATS may lose a message, so the step is dispatched again with the same idempotency key.
     */
    async redriveStalled(limit = 100): Promise<number> {
      const messages: OutboxMessage[] = [];
      const count = await orm.em.fork().transactional(async (tx) => {
        const rows = await tx.execute<LockedRun[]>(
          `select id, tenant_id, workflow_id, workflow_version, snapshot from "runner"."runs"
           where stalls_at < now() order by stalls_at limit ? for update skip locked`,
          [limit],
        );
        for (const row of rows) {
          const { definition } = await machines.get(
            row.workflow_id,
            row.workflow_version,
            pinnedDefinition(tx, row.workflow_id, row.workflow_version),
          );
          const run = { tenant: row.tenant_id, runId: row.id, workflowId: row.workflow_id, definition };
          messages.push(...pendingDispatches(row.snapshot.context).map((d) => stepCommand(run, d)));
        }
        if (rows.length > 0) {
          await tx.execute(
            `update "runner"."runs" set stalls_at = now() + (? * interval '1 millisecond')
             where id in (${rows.map(() => '?').join(', ')})`,
            [stallMs, ...rows.map((r) => r.id)],
          );
        }
        await outbox.stage(tx, messages);
        return rows.length;
      });
      await outbox.send(messages);
      return count;
    },
  };
}

function timerEvent(timer: {
  id: string;
  tenant_id: string;
  run_id: string;
  key: string;
  due_at: Date;
}): OutboxMessage {
  return {
    subject: subjects.runEvent(timer.tenant_id, timer.run_id),
    event: cloudEvent({
      id: timer.id,
      source: 'riskloop/runner/timers',
      type: eventTypes.runTimer,
      tenant: timer.tenant_id,
      data: { runId: timer.run_id, key: timer.key, dueAt: new Date(timer.due_at).toISOString() },
    }),
  };
}

/** Tell the trigger router the run no longer counts as in flight for its tenant. */
function finishedMessage(run: RunRef, status: RunView['status']): OutboxMessage {
  return {
    subject: subjects.runFinished(run.tenant),
    event: cloudEvent({
      id: `run-finished:${run.runId}`,
      source: 'riskloop/runner',
      type: eventTypes.runFinished,
      tenant: run.tenant,
      data: {
        runId: run.runId,
        workflowId: run.workflowId,
        status: status as 'succeeded' | 'failed' | 'cancelled',
      },
    }),
  };
}

/** A written snapshot as PostgreSQL gives it back from jsonb (what JSON cannot hold is gone). */
function fromStored(json: string): RecentRun['snapshot'] {
  return JSON.parse(json) as RecentRun['snapshot'];
}

function persist(snapshot: { value: unknown; context: unknown }): { value: unknown; context: unknown } {
  return { value: snapshot.value, context: snapshot.context };
}

export type RunHost = ReturnType<typeof createRunHost>;
