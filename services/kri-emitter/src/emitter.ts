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
  subjects,
  type KriDefinitionView,
  type KriEventRecord,
  type StepCommand,
  type StepError,
} from '@riskloop/contracts';
import type { Outbox, OutboxMessage } from '@riskloop/db';
import { amountOf, commitUpdates, recordOf } from './updates.ts';

export interface EmitterOptions {
  orm: MikroORM;
  bus: BusConnection;
  outbox: Outbox;
  /** The tenant's definitions that apply to `emit_kri` steps of an event type (the registry answers). */
  definitionsFor: (tenant: string, event: string) => Promise<KriDefinitionView[]>;
}

interface EmitInput {
  event: string;
  kri?: string;
  value?: unknown;
  attributes?: Record<string, unknown>;
}

type Planned = { ok: true; records: KriEventRecord[] } | { ok: false; error: StepError };

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
      records.push(
        recordOf(definition, { ...data, key: data.idempotencyKey, event: input.event }, amount, at),
      );
    }
    return { ok: true, records };
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
      // a redelivered command finds its key claimed: nothing is written, its result is only sent again
      const committed = await commitUpdates(
        orm,
        outbox,
        {
          tenant,
          key: data.idempotencyKey,
          runId: data.runId,
          stepId: data.stepId,
          status: planned.ok ? 'succeeded' : 'failed',
          records: planned.ok ? planned.records : [],
          attributes: {
            ...(input.attributes ?? {}),
            ...(input.value === undefined ? {} : { value: input.value }),
          },
          at: startedAt,
        },
        [result],
      );
      if (!committed) await resend(data.idempotencyKey, command.id);
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
