/**
 * The runner's hot path in one statement each (DESIGN.md, durability rule 1, with fewer round trips): a
 * run's state change, its history row and its outbox rows are written by one SQL statement, so they commit
 * together or not at all, without BEGIN/COMMIT round trips. Used when a transition writes no other rows
 * (timers, approvals, waits); those still take the locked transaction in run-host.ts.
 *
 * Dedupe and concurrency: the update is a compare-and-swap on `version` that also requires the event to
 * be absent from the history; the history and outbox rows are inserted only when the update happened. A
 * redelivered event, or a concurrent change of the run, updates nothing and writes nothing.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { execute, type Outbox, type OutboxMessage } from '@riskloop/db';

/** What both writes record: the event, the state it led to, and the rows that go with it. */
interface RunWrite {
  tenant: string;
  runId: string;
  event: { id: string; type: string };
  to: unknown;
  /** The persisted snapshot as JSON text (serialized once by the caller, which also keeps it). */
  snapshot: string | undefined;
  status: string;
  finished: boolean;
  awaitsDispatch: boolean;
  stallMs: number;
  instanceId: string;
  messages: readonly OutboxMessage[];
}

export interface TransitionWrite extends RunWrite {
  /** The version the transition was computed from. */
  version: number;
  from: unknown;
  /** The new persisted snapshot as JSON text; undefined when the event changed nothing (only recorded). */
  snapshot: string | undefined;
}

export type WriteResult = 'written' | 'seen' | 'conflict';

const history = `"runner"."run_history" (tenant_id, run_id, event_id, event_type, state_from, state_to, at, processed_by)`;

export async function writeTransition(
  orm: MikroORM,
  outbox: Outbox,
  w: TransitionWrite,
): Promise<WriteResult> {
  const changed = w.snapshot !== undefined;
  const o = outbox.stageCte(w.messages, 'exists (select 1 from u)');
  const rows = await execute<{ updated: number; seen: boolean }>(
    orm,
    `with u as (
       update "runner"."runs" set snapshot = coalesce(?::jsonb, snapshot), status = ?, version = version + 1,
         updated_at = now(),
         finished_at = case when ?::boolean then ?::timestamptz else finished_at end,
         stalls_at = case when ?::boolean
           then (case when ?::boolean then now() + (?::int * interval '1 millisecond') else null end)
           else stalls_at end
       where id = ?::uuid and tenant_id = ? and version = ?::int
         and not exists (select 1 from "runner"."run_history" where tenant_id = ? and event_id = ?)
       returning 1
     ), h as (
       insert into ${history}
       select ?::text, ?::uuid, ?::text, ?::text, ?::jsonb, ?::jsonb, now(), ?::text where exists (select 1 from u)
       on conflict (tenant_id, event_id) do nothing returning 1
     )${o.sql}
     select (select count(*) from u)::int as updated,
       exists (select 1 from "runner"."run_history" where tenant_id = ? and event_id = ?) as seen`,
    [
      w.snapshot ?? null,
      w.status,
      changed,
      w.finished ? new Date() : null,
      changed,
      w.awaitsDispatch,
      w.stallMs,
      w.runId,
      w.tenant,
      w.version,
      w.tenant,
      w.event.id,
      w.tenant,
      w.runId,
      w.event.id,
      w.event.type,
      w.from === undefined ? null : JSON.stringify(w.from),
      JSON.stringify(w.to),
      w.instanceId,
      ...o.params,
      w.tenant,
      w.event.id,
    ],
  );
  // `seen` is read from the statement's snapshot: the history as it was before this statement's insert
  if ((rows[0]?.updated ?? 0) > 0) return 'written';
  return rows[0]?.seen ? 'seen' : 'conflict';
}

export interface StartWrite extends RunWrite {
  snapshot: string;
  workflowId: string;
  version: number;
  /** The version's definition, stored once per version (skipped when this process stored it before). */
  definition: unknown;
}

/** Create the run with its history row and outbox rows. False when the run existed (a redelivery). */
export async function writeStart(orm: MikroORM, outbox: Outbox, w: StartWrite): Promise<boolean> {
  const o = outbox.stageCte(w.messages, 'exists (select 1 from r)');
  const pin =
    w.definition === undefined
      ? ''
      : `, p as (
       insert into "runner"."workflow_versions" (workflow_id, version, tenant_id, definition)
       values (?::uuid, ?::int, ?, ?::jsonb) on conflict do nothing returning 1)`;
  const rows = await execute<{ created: number }>(
    orm,
    `with r as (
       insert into "runner"."runs" (id, tenant_id, workflow_id, workflow_version, status, snapshot, version,
         created_at, updated_at, finished_at, stalls_at)
       values (?::uuid, ?, ?::uuid, ?::int, ?, ?::jsonb, 1, now(), now(), ?::timestamptz,
         case when ?::boolean then now() + (?::int * interval '1 millisecond') else null end)
       on conflict (id) do nothing returning 1
     ), h as (
       insert into ${history}
       select ?::text, ?::uuid, ?::text, ?::text, null, ?::jsonb, now(), ?::text where exists (select 1 from r)
       on conflict (tenant_id, event_id) do nothing returning 1
     )${pin}${o.sql}
     select (select count(*) from r)::int as created`,
    [
      w.runId,
      w.tenant,
      w.workflowId,
      w.version,
      w.status,
      w.snapshot,
      w.finished ? new Date() : null,
      w.awaitsDispatch,
      w.stallMs,
      w.tenant,
      w.runId,
      w.event.id,
      w.event.type,
      JSON.stringify(w.to),
      w.instanceId,
      ...(w.definition === undefined
        ? []
        : [w.workflowId, w.version, w.tenant, JSON.stringify(w.definition)]),
      ...o.params,
    ],
  );
  return (rows[0]?.created ?? 0) > 0;
}
