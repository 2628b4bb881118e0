/**
 * Carry out a transition's effects inside the run's transaction: timer rows, the approval projection, wait
 * rows, and outbox rows for step commands (published after the commit). Nothing here calls out.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { OutboxMessage } from '@riskloop/db';
import { randomUUID } from 'node:crypto';
import { eligibleApprovers, type ApprovalState, type Effect } from './machine/index.ts';
import { notifyCommand, resultMessage, stepCommand, type RunRef } from './step-commands.ts';

/** The `effect` actions among those `transition()` returned. */
export function effectsOf(actions: readonly { type: string; params?: unknown }[]): Effect[] {
  return actions.filter((a) => a.type === 'effect').map((a) => a.params as Effect);
}

const messageOnly = new Set<Effect['type']>(['dispatch', 'notify', 'result']);

/** Effects that write rows besides the outbox (timers, approvals, waits). */
export const storesRows = (effects: readonly Effect[]) => effects.some((e) => !messageOnly.has(e.type));

/** The outbox message of a `dispatch`, `notify` or `result` effect (no database). */
function messageOf(run: RunRef, effect: Effect): OutboxMessage | undefined {
  if (effect.type === 'dispatch') return stepCommand(run, effect);
  if (effect.type === 'notify') return notifyCommand(run, effect);
  if (effect.type === 'result') return resultMessage(run, effect);
  return undefined;
}

/** The outbox messages of the effects that are only messages. */
export function commandsOf(run: RunRef, effects: readonly Effect[]): OutboxMessage[] {
  return effects.flatMap((effect) => messageOf(run, effect) ?? []);
}

export async function carryOut(
  tx: EntityManager,
  run: RunRef,
  effects: readonly Effect[],
): Promise<OutboxMessage[]> {
  const messages: OutboxMessage[] = [];
  for (const effect of effects) {
    const message = messageOf(run, effect);
    if (message) messages.push(message);
    switch (effect.type) {
      case 'schedule':
        await tx.execute(
          `insert into "runner"."timers" (id, tenant_id, run_id, key, step_id, due_at)
           values (?, ?, ?, ?, ?, ?) on conflict (run_id, key) do nothing`,
          [randomUUID(), run.tenant, run.runId, effect.key, effect.stepId, effect.dueAt],
        );
        break;
      case 'unschedule':
        await tx.execute(`delete from "runner"."timers" where run_id = ? and key = ? and fired_at is null`, [
          run.runId,
          effect.key,
        ]);
        break;
      case 'approval':
        await saveApproval(tx, run, effect.approval);
        break;
      case 'await':
        await tx.execute(
          `insert into "runner"."waits" (run_id, step_id, tenant_id, event_type, created_at)
           values (?, ?, ?, ?, now()) on conflict do nothing`,
          [run.runId, effect.stepId, run.tenant, effect.eventType],
        );
        break;
      case 'unawait':
        await tx.execute(`delete from "runner"."waits" where run_id = ? and step_id = ?`, [
          run.runId,
          effect.stepId,
        ]);
        break;
    }
  }
  return messages;
}

/** `text[]` literal for one bound parameter (MikroORM inlines JS arrays as lists). */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

async function saveApproval(tx: EntityManager, run: RunRef, approval: ApprovalState): Promise<void> {
  const eligible = eligibleApprovers(approval);
  const pick = (kind: 'user' | 'role' | 'group') =>
    textArray(eligible.flatMap((a) => (kind in a ? [(a as Record<string, string>)[kind] as string] : [])));
  await tx.execute(
    `insert into "runner"."approvals"
       (id, tenant_id, run_id, workflow_id, step_id, status, state, eligible_users, eligible_roles,
        eligible_groups, due_at, created_at, decided_at)
     values (?, ?, ?, ?, ?, ?, ?::jsonb, ?::text[], ?::text[], ?::text[], ?, ?, ?)
     on conflict (id) do update set status = excluded.status, state = excluded.state,
       eligible_users = excluded.eligible_users, eligible_roles = excluded.eligible_roles,
       eligible_groups = excluded.eligible_groups, due_at = excluded.due_at, decided_at = excluded.decided_at`,
    [
      approval.id,
      run.tenant,
      run.runId,
      run.workflowId,
      approval.stepId,
      approval.status,
      JSON.stringify(approval),
      pick('user'),
      pick('role'),
      pick('group'),
      approval.dueAt ?? null,
      approval.createdAt,
      approval.decidedAt ?? null,
    ],
  );
}
