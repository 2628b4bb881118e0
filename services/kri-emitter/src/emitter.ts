/**
 * Execute `emit_kri` steps: apply the tenant's KRI event definitions for the emitted event and publish one
 * `kri.update` per definition to the risk model, exactly once per step command's idempotency key. The
 * updates, their audit rows and the step's result are committed in one transaction with the outbox; a
 * redelivered command finds its result and only re-sends it (the runner applies an event id once).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { publishEvent, type BusConnection } from '@riskloop/bus';
import {
  cloudEvent,
  eventTypes,
  kriEventTypes,
  subjects,
  type KriDefinitionView,
  type KriEventRecord,
  type KriUpdate,
  type StepCommand,
  type StepError,
} from '@riskloop/contracts';
import type { Outbox, OutboxMessage } from '@riskloop/db';
import { compileExpression } from '@riskloop/expr';
import { describeError } from '@riskloop/kit';

export interface EmitterOptions {
  orm: MikroORM;
  bus: BusConnection;
  outbox: Outbox;
  /** The tenant's definitions for an event type (the registry answers). */
  definitionsFor: (tenant: string, event: string) => Promise<KriDefinitionView[]>;
}

interface EmitInput {
  event: string;
  kri?: string;
  value?: unknown;
  attributes?: Record<string, unknown>;
}

type Planned = { ok: true; records: KriEventRecord[] } | { ok: false; error: StepError };

/** The amount a definition gives for what the step emitted, or why there is none. */
export function amountOf(definition: KriDefinitionView, input: EmitInput): number | null | string {
  if (definition.effect === 'close_breach' && definition.amount === undefined) return null;
  if (typeof definition.amount === 'number') return definition.amount;
  if (definition.amount === undefined) return `definition ${definition.id} has no amount`;
  try {
    const value = compileExpression(definition.amount)({
      event: { value: input.value ?? null, attributes: input.attributes ?? {} },
    });
    if (typeof value === 'bigint') return Number(value);
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    return `amount of ${definition.id} is ${JSON.stringify(value)}, not a number`;
  } catch (error) {
    return `amount of ${definition.id} failed: ${describeError(error)}`;
  }
}

const resultId = (key: string) => `result:${key}`;

export function createEmitter(options: EmitterOptions) {
  const { orm, outbox, bus } = options;

  const plan = async (command: StepCommand, at: Date): Promise<Planned> => {
    const { data } = command;
    const input = data.input as unknown as EmitInput;
    const all = await options.definitionsFor(command.tenantid, input.event);
    const definitions = input.kri ? all.filter((d) => d.kri === input.kri) : all;
    if (definitions.length === 0) {
      const about = input.kri ? ` affecting ${input.kri}` : '';
      return {
        ok: false,
        error: { code: 'no_kri_definition', message: `no KRI event definition for ${input.event}${about}` },
      };
    }
    const records: KriEventRecord[] = [];
    for (const definition of definitions) {
      const amount = amountOf(definition, input);
      if (typeof amount === 'string')
        return { ok: false, error: { code: 'kri_amount_invalid', message: amount } };
      records.push({
        id: `kri-update:${data.idempotencyKey}:${definition.id}`,
        runId: data.runId,
        workflowId: data.workflowId,
        stepId: data.stepId,
        event: input.event,
        kri: definition.kri,
        effect: definition.effect,
        amount,
        definitionId: definition.id,
        definitionVersion: definition.version,
        emittedAt: at.toISOString(),
      });
    }
    return { ok: true, records };
  };

  const updateMessage = (tenant: string, record: KriEventRecord, input: EmitInput): OutboxMessage => {
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
      attributes: {
        ...(input.attributes ?? {}),
        ...(input.value === undefined ? {} : { value: input.value }),
      },
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
  };

  const resend = async (key: string, commandId: string) => {
    const rows = await orm.em
      .fork()
      .execute<OutboxMessage[]>(`select subject, event from "kri_emitter"."outbox" where id = ?`, [
        resultId(key),
      ]);
    for (const row of rows)
      await publishEvent(bus, row.subject, row.event, { msgId: `${row.event.id}:resent:${commandId}` });
  };

  return {
    async handle(command: StepCommand): Promise<void> {
      const { data } = command;
      const tenant = command.tenantid;
      const done = await orm.em
        .fork()
        .execute(`select 1 from "kri_emitter"."emit_results" where idempotency_key = ?`, [
          data.idempotencyKey,
        ]);
      if (done.length > 0) return resend(data.idempotencyKey, command.id);

      const startedAt = new Date();
      const planned = await plan(command, startedAt);
      const base = {
        runId: data.runId,
        stepId: data.stepId,
        attempt: data.attempt,
        tries: 1,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
      };
      const input = data.input as unknown as EmitInput;
      const updates = planned.ok ? planned.records.map((r) => updateMessage(tenant, r, input)) : [];
      const result: OutboxMessage = {
        subject: subjects.runEvent(tenant, data.runId),
        event: cloudEvent({
          id: resultId(data.idempotencyKey),
          source: 'riskloop/kri-emitter',
          type: planned.ok ? eventTypes.stepSucceeded : eventTypes.stepFailed,
          tenant,
          data: planned.ok
            ? { ...base, output: { updates: planned.records } }
            : { ...base, error: planned.error },
        }),
      };
      const committed = await orm.em.fork().transactional(async (tx) => {
        const claimed = await tx.execute(
          `insert into "kri_emitter"."emit_results" (idempotency_key, tenant_id, run_id, step_id, status, at)
           values (?, ?, ?, ?, ?, now()) on conflict do nothing returning idempotency_key`,
          [data.idempotencyKey, tenant, data.runId, data.stepId, planned.ok ? 'succeeded' : 'failed'],
        );
        if (claimed.length === 0) return false; // a concurrent delivery of the same command won
        for (const r of planned.ok ? planned.records : []) {
          await tx.execute(
            `insert into "kri_emitter"."emitted_events"
               (id, tenant_id, run_id, workflow_id, step_id, idempotency_key, event, kri, effect, amount,
                definition_id, definition_version, attributes, emitted_at)
             values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [
              r.id,
              tenant,
              r.runId,
              r.workflowId,
              r.stepId,
              data.idempotencyKey,
              r.event,
              r.kri,
              r.effect,
              r.amount,
              r.definitionId,
              r.definitionVersion,
              JSON.stringify(input.attributes ?? {}),
              startedAt,
            ],
          );
        }
        await outbox.stage(tx, [...updates, result]);
        return true;
      });
      if (committed) await outbox.send([...updates, result]);
    },

    async runEvents(tenant: string, runId: string): Promise<{ items: KriEventRecord[] }> {
      const rows = await orm.em.fork().execute<Record<string, unknown>[]>(
        `select id, run_id, workflow_id, step_id, event, kri, effect, amount, definition_id, definition_version, emitted_at
         from "kri_emitter"."emitted_events" where tenant_id = ? and run_id = ? order by emitted_at, id`,
        [tenant, runId],
      );
      return { items: rows.map(kriEventRecord) };
    },
  };
}

/** An `emitted_events` row as the audit record the API shows. */
export function kriEventRecord(r: Record<string, unknown>): KriEventRecord {
  return {
    id: r.id as string,
    runId: r.run_id as string,
    workflowId: r.workflow_id as string,
    stepId: r.step_id as string,
    event: r.event as string,
    kri: r.kri as string,
    effect: r.effect as KriEventRecord['effect'],
    amount: r.amount === null ? null : Number(r.amount),
    definitionId: r.definition_id as string,
    definitionVersion: Number(r.definition_version),
    emittedAt: new Date(r.emitted_at as string).toISOString(),
  };
}
