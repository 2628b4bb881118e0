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
import type { DeliveryView } from '@riskloop/contracts';
import { execute, type Outbox, type OutboxMessage } from '@riskloop/db';
import { metrics, RiskloopError } from '@riskloop/kit';

/** What performing a command came to. */
export interface CallOutcome {
  ok: boolean;
  /** Tries made (HTTP or SMTP requests, retries included). */
  tries: number;
  output?: unknown;
  error?: { code: string; message: string };
  /** The tenant's destination it went to. */
  destination?: string;
}

/** A claimed delivery: effects a previous holder already made, and how to record new ones. */
export interface Claim {
  effects: Record<string, unknown>;
  record(name: string, value: unknown): Promise<void>;
}

export interface DeliveryOptions {
  orm: MikroORM;
  bus: BusConnection;
  outbox: Outbox;
  /** How long a claim holds before another copy may take the delivery over. */
  leaseMs: number;
}

export type Perform = (command: StepCommand, claim: Claim) => Promise<CallOutcome>;

export function createDeliveries(options: DeliveryOptions) {
  const { orm, outbox, bus } = options;

  /** The effects made so far when this copy now owns the delivery; undefined when it is already complete. */
  const claim = async (command: StepCommand): Promise<Record<string, unknown> | undefined> => {
    const { data } = command;
    const rows = await execute<{ effects: Record<string, unknown> }>(
      orm,
      `insert into "relay"."deliveries"
         (idempotency_key, tenant_id, run_id, step_id, kind, status, lease_until, request, started_at)
       values (?, ?, ?, ?, ?, 'in_progress', now() + (? * interval '1 millisecond'), ?::jsonb, now())
       on conflict (idempotency_key) do update
         set lease_until = excluded.lease_until, claims = "deliveries".claims + 1
         where "deliveries".status = 'in_progress' and "deliveries".lease_until < now()
       returning effects`,
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
    if (rows[0]) return rows[0].effects;
    const [existing] = await execute<{ status: string }>(
      orm,
      `select status from "relay"."deliveries" where idempotency_key = ?`,
      [data.idempotencyKey],
    );
    if (existing?.status === 'in_progress') {
      throw RiskloopError.unavailable(`delivery ${data.idempotencyKey} is held by another relay copy`);
    }
    return undefined;
  };

  const record = async (key: string, name: string, value: unknown): Promise<void> => {
    await execute(
      orm,
      `update "relay"."deliveries" set effects = effects || jsonb_build_object(?::text, ?::jsonb) where idempotency_key = ?`,
      [name, JSON.stringify(value), key],
    );
  };

  const complete = async (command: StepCommand, outcome: CallOutcome, startedAt: Date): Promise<void> => {
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
    // One statement: the delivery completes and its result is staged in the outbox together, or neither
    // (another copy completed it first).
    const staged = outbox.stageCte([message], 'exists (select 1 from d)');
    const rows = await execute<{ completed: number }>(
      orm,
      `with d as (
         update "relay"."deliveries" set status = ?, tries = tries + ?, response = ?::jsonb, error = ?::jsonb,
           finished_at = ?, destination = coalesce(?, destination)
         where idempotency_key = ? and status = 'in_progress' returning 1
       )${staged.sql}
       select (select count(*) from d)::int as completed`,
      [
        outcome.ok ? 'succeeded' : 'failed',
        outcome.tries,
        JSON.stringify(outcome.output ?? null),
        outcome.error ? JSON.stringify(outcome.error) : null,
        finishedAt,
        outcome.destination ?? null,
        data.idempotencyKey,
        ...staged.params,
      ],
    );
    const completed = (rows[0]?.completed ?? 0) > 0;
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
      const effects = await claim(command);
      if (effects === undefined) return resendResult(command);
      const startedAt = new Date();
      const key = command.data.idempotencyKey;
      const outcome = await perform(command, { effects, record: (name, value) => record(key, name, value) });
      await complete(command, outcome, startedAt);
      const labels = { service: bus.service, kind: command.data.kind };
      metrics.deliveries.inc({ ...labels, outcome: outcome.ok ? 'succeeded' : 'failed' });
      metrics.deliverySeconds.observe(labels, (Date.now() - startedAt.getTime()) / 1000);
    },

    /** A run's deliveries, oldest first, as the run view shows them: no request, response or credential. */
    async list(tenant: string, runId: string): Promise<DeliveryView[]> {
      const rows = await orm.em.fork().execute<DeliveryRow[]>(
        `select step_id, kind, idempotency_key, destination, status, tries, claims, error, started_at, finished_at
         from "relay"."deliveries" where tenant_id = ? and run_id = ? order by started_at, step_id`,
        [tenant, runId],
      );
      return rows.map(toDeliveryView);
    },
  };
}

function resultId(idempotencyKey: string): string {
  return `result:${idempotencyKey}`;
}

interface DeliveryRow {
  step_id: string;
  kind: string;
  idempotency_key: string;
  destination: string | null;
  status: DeliveryView['status'];
  tries: number;
  claims: number;
  error: { code: string; message: string } | null;
  started_at: Date;
  finished_at: Date | null;
}

function toDeliveryView(row: DeliveryRow): DeliveryView {
  const started = new Date(row.started_at);
  const finished = row.finished_at ? new Date(row.finished_at) : undefined;
  return {
    stepId: row.step_id,
    kind: row.kind,
    attempt: Number(row.idempotency_key.split(':').at(-1)),
    destination: row.destination,
    status: row.status,
    tries: row.tries,
    claims: row.claims,
    ...(finished
      ? { latencyMs: finished.getTime() - started.getTime(), finishedAt: finished.toISOString() }
      : {}),
    ...(row.error ? { error: row.error } : {}),
    startedAt: started.toISOString(),
  };
}
