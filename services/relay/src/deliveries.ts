/**
 * Exactly one effect per idempotency key (DESIGN.md, durability rule 3). A step command is claimed in
 * `relay.deliveries` before the call and completed after it, in the same transaction as its result event
 * in the outbox. A redelivered command finds the delivery done and changes nothing; a command whose holder
 * crashed mid-call is taken over once the lease expires, and the repeat carries the same idempotency key.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { publishEvent, type BusConnection } from '@riskloop/bus';
import {
  cloudEvent,
  eventTypes,
  subjects,
  type StepCommand,
  type StepFailed,
  type StepSucceeded,
} from '@riskloop/contracts';
import type { Outbox, OutboxMessage } from '@riskloop/db';
import { RiskloopError } from '@riskloop/kit';
import type { CallOutcome } from './adapters/webhook.ts';

export interface DeliveryOptions {
  orm: MikroORM;
  bus: BusConnection;
  outbox: Outbox;
  /** How long a claim holds before another copy may take the delivery over. */
  leaseMs: number;
}

export type Perform = (command: StepCommand) => Promise<CallOutcome<unknown>>;

export function createDeliveries(options: DeliveryOptions) {
  const { orm, outbox, bus } = options;

  /** True when this copy now owns the delivery; false when it is already complete. */
  const claim = async (command: StepCommand): Promise<boolean> => {
    const { data } = command;
    const rows = await orm.em.fork().execute<{ status: string }[]>(
      `insert into "relay"."deliveries"
         (idempotency_key, tenant_id, run_id, step_id, kind, status, lease_until, request, started_at)
       values (?, ?, ?, ?, ?, 'in_progress', now() + (? * interval '1 millisecond'), ?::jsonb, now())
       on conflict (idempotency_key) do update
         set lease_until = excluded.lease_until, claims = "deliveries".claims + 1
         where "deliveries".status = 'in_progress' and "deliveries".lease_until < now()
       returning status`,
      [
        data.idempotencyKey,
        command.tenantid,
        data.runId,
        data.stepId,
        data.kind,
        options.leaseMs,
        JSON.stringify(data.input),
      ],
    );
    if (rows.length > 0) return true;
    const [existing] = await orm.em
      .fork()
      .execute<{ status: string }[]>(`select status from "relay"."deliveries" where idempotency_key = ?`, [
        data.idempotencyKey,
      ]);
    if (existing?.status === 'in_progress') {
      throw RiskloopError.unavailable(`delivery ${data.idempotencyKey} is held by another relay copy`);
    }
    return false;
  };

  const complete = async (
    command: StepCommand,
    outcome: CallOutcome<unknown>,
    startedAt: Date,
  ): Promise<void> => {
    const { data } = command;
    const finishedAt = new Date();
    const base = {
      runId: data.runId,
      stepId: data.stepId,
      attempt: data.attempt,
      tries: outcome.tries,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
    };
    const result: StepSucceeded | StepFailed = outcome.ok
      ? { ...base, output: outcome.output ?? null }
      : { ...base, error: outcome.error ?? { code: 'failed', message: 'the step failed' } };
    const message: OutboxMessage = {
      subject: subjects.runEvent(command.tenantid, data.runId),
      event: cloudEvent({
        // Derived from the key: however often this completes, the runner sees one event id.
        id: resultId(data.idempotencyKey),
        source: 'riskloop/relay',
        type: outcome.ok ? eventTypes.stepSucceeded : eventTypes.stepFailed,
        tenant: command.tenantid,
        time: finishedAt,
        data: result,
      }),
    };
    const completed = await orm.em.fork().transactional(async (tx) => {
      const rows = await tx.execute<{ idempotency_key: string }[]>(
        `update "relay"."deliveries" set status = ?, tries = tries + ?, response = ?::jsonb, error = ?::jsonb, finished_at = ?
         where idempotency_key = ? and status = 'in_progress' returning idempotency_key`,
        [
          outcome.ok ? 'succeeded' : 'failed',
          outcome.tries,
          JSON.stringify(outcome.output ?? null),
          outcome.error ? JSON.stringify(outcome.error) : null,
          finishedAt,
          data.idempotencyKey,
        ],
      );
      if (rows.length === 0) return false;
      await outbox.stage(tx, [message]);
      return true;
    });
    if (completed) await outbox.send([message]);
  };

  /**
   * A command for a delivery that is already complete: the effect is not repeated, but its result is sent
   * again, in case the first one was lost on its way to the runner (a re-driven run). The event id stays
   * (the runner applies it at most once); the message id is new, or JetStream's dedupe window would drop it.
   */
  const resendResult = async (command: StepCommand): Promise<void> => {
    const rows = await orm.em
      .fork()
      .execute<OutboxMessage[]>(`select subject, event from "relay"."outbox" where id = ?`, [
        resultId(command.data.idempotencyKey),
      ]);
    for (const row of rows) {
      await publishEvent(bus, row.subject, row.event, { msgId: `${row.event.id}:resent:${command.id}` });
    }
  };

  return {
    async handle(command: StepCommand, perform: Perform): Promise<void> {
      if (!(await claim(command))) return resendResult(command);
      const startedAt = new Date();
      const outcome = await perform(command);
      await complete(command, outcome, startedAt);
    },
  };
}

function resultId(idempotencyKey: string): string {
  return `result:${idempotencyKey}`;
}
