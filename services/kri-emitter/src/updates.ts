/**
 * What the emitter does with planned KRI updates, whichever way they arose (an `emit_kri` step, or a step
 * result a definition maps): the amount a definition gives, the `kri.update` CloudEvent, and one
 * statement that claims the source's key, records every update for audit and stages the events in the
 * outbox. A key already claimed writes nothing: the same source never produces two updates.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  cloudEvent,
  kriEventTypes,
  subjects,
  type KriDefinitionView,
  type KriEventRecord,
  type KriUpdate,
} from '@riskloop/contracts';
import { execute, type Outbox, type OutboxMessage } from '@riskloop/db';
import { compileExpression } from '@riskloop/expr';
import { describeError } from '@riskloop/kit';

/** What the amount's CEL expression sees: `event.value`, `event.attributes`, and `step` for a result. */
export interface AmountScope {
  value?: unknown;
  attributes?: Record<string, unknown>;
  step?: { id: string; kind: string; output: unknown };
}

/** The amount a definition gives, null when it needs none, or why there is none. */
export function amountOf(definition: KriDefinitionView, scope: AmountScope): number | null | string {
  if (definition.effect === 'close_breach' && definition.amount === undefined) return null;
  if (typeof definition.amount === 'number') return definition.amount;
  if (definition.amount === undefined) return `definition ${definition.id} has no amount`;
  try {
    const value = compileExpression(definition.amount)({
      event: { value: scope.value ?? null, attributes: scope.attributes ?? {} },
      ...(scope.step ? { step: scope.step } : {}),
    });
    if (typeof value === 'bigint') return Number(value);
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    return `amount of ${definition.id} is ${JSON.stringify(value)}, not a number`;
  } catch (error) {
    return `amount of ${definition.id} failed: ${describeError(error)}`;
  }
}

/** Where an update comes from: the step and the key that makes it once (command key or result event id). */
export interface UpdateSource {
  key: string;
  runId: string;
  workflowId: string;
  stepId: string;
  event: string;
}

/** The audit record of what `definition` does for `source`; its id is the `kri.update` event's. */
export function recordOf(
  definition: KriDefinitionView,
  source: UpdateSource,
  amount: number | null,
  at: Date,
): KriEventRecord {
  return {
    id: `kri-update:${source.key}:${definition.id}`,
    runId: source.runId,
    workflowId: source.workflowId,
    stepId: source.stepId,
    event: source.event,
    kri: definition.kri,
    effect: definition.effect,
    amount,
    definitionId: definition.id,
    definitionVersion: definition.version,
    emittedAt: at.toISOString(),
  };
}

/** The `kri.update` CloudEvent of one record; its id is the record's, so a resend is deduplicated. */
export function updateMessage(
  tenant: string,
  record: KriEventRecord,
  attributes: Record<string, unknown>,
): OutboxMessage {
  const data: KriUpdate = {
    kri: record.kri,
    event: record.event,
    effect: record.effect,
    amount: record.amount,
    definitionId: record.definitionId,
    definitionVersion: record.definitionVersion,
    runId: record.runId,
    workflowId: record.workflowId,
    stepId: record.stepId,
    attributes,
    emittedAt: record.emittedAt,
  };
  return {
    subject: subjects.kriUpdate(tenant, record.kri),
    event: cloudEvent({
      id: record.id,
      source: 'riskloop/kri-emitter',
      type: kriEventTypes.update,
      tenant,
      data,
    }),
  };
}

export interface Claim {
  tenant: string;
  /** The source's key: an `emit_kri` command's idempotency key, or a step result's event id. */
  key: string;
  runId: string;
  stepId: string;
  status: 'succeeded' | 'failed' | 'mapped';
  records: readonly KriEventRecord[];
  /** Recorded with each update (`query` steps filter on them). */
  attributes: Record<string, unknown>;
  at: Date;
}

/**
 * Claim the key, record the updates and stage them with `also` (e.g. the step's result), in one
 * statement, then publish. False when the key was claimed before (nothing written, nothing sent).
 */
export async function commitUpdates(
  orm: MikroORM,
  outbox: Outbox,
  claim: Claim,
  also: readonly OutboxMessage[] = [],
): Promise<boolean> {
  const messages = [...claim.records.map((r) => updateMessage(claim.tenant, r, claim.attributes)), ...also];
  const staged = outbox.stageCte(messages, 'exists (select 1 from c)');
  const records =
    claim.records.length === 0
      ? ''
      : `, e as (
       insert into "kri_emitter"."emitted_events"
         (id, tenant_id, run_id, workflow_id, step_id, idempotency_key, event, kri, effect, amount,
          definition_id, definition_version, attributes, emitted_at)
       select v.id, ?, v.run_id::uuid, v.workflow_id::uuid, v.step_id, ?, v.event, v.kri, v.effect,
         v.amount::double precision,
         v.definition_id, v.definition_version::int, ?::jsonb, ?::timestamptz
       from (values ${claim.records.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')})
         as v(id, run_id, workflow_id, step_id, event, kri, effect, amount, definition_id, definition_version)
       where exists (select 1 from c) returning 1)`;
  const rows = await execute<{ claimed: number }>(
    orm,
    `with c as (
       insert into "kri_emitter"."emit_results" (idempotency_key, tenant_id, run_id, step_id, status, at)
       values (?, ?, ?, ?, ?, now()) on conflict do nothing returning 1
     )${records}${staged.sql}
     select (select count(*) from c)::int as claimed`,
    [
      claim.key,
      claim.tenant,
      claim.runId,
      claim.stepId,
      claim.status,
      ...(claim.records.length === 0
        ? []
        : [
            claim.tenant,
            claim.key,
            JSON.stringify(claim.attributes),
            claim.at,
            ...claim.records.flatMap((r) => [
              r.id,
              r.runId,
              r.workflowId,
              r.stepId,
              r.event,
              r.kri,
              r.effect,
              r.amount,
              r.definitionId,
              r.definitionVersion,
            ]),
          ]),
      ...staged.params,
    ],
  );
  const committed = (rows[0]?.claimed ?? 0) > 0;
  if (committed) await outbox.send(messages);
  return committed;
}
