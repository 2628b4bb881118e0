/**
 * The transactional outbox (DESIGN.md, durability rule 2). A service stages the messages it must send in
 * the same transaction as its state change; after the commit it sends them, with the row id (the
 * CloudEvent id) as `Nats-Msg-Id`, and marks them sent once JetStream acknowledged them. A reconciler
 * re-sends whatever was committed but not marked sent: a crash between commit and publish loses nothing,
 * and JetStream's dedupe window plus idempotent consumers make the re-send harmless.
 */
import { defineEntity } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { publishEvent, type BusConnection } from '@riskloop/bus';
import type { CloudEvent } from '@riskloop/contracts';
import { currentTraceparent, metrics, startLoop, systemScope, tenantScope, type Logger } from '@riskloop/kit';
import { execute } from './direct.ts';

export interface OutboxMessage {
  subject: string;
  event: CloudEvent;
}

export interface OutboxOptions {
  orm: MikroORM;
  /** The owning service's schema; the table is `<schema>.outbox`. */
  schema: string;
  bus: BusConnection;
  log: Logger;
  /** How often the reconciler looks for unsent rows. */
  reconcileEveryMs?: number;
  /** A row younger than this is left to the process that staged it. */
  graceMs?: number;
  /** Sent marks are batched over this long (default 20 ms). */
  markEveryMs?: number;
}

export interface Outbox {
  /** Insert rows inside the caller's transaction. */
  stage(em: EntityManager, messages: readonly OutboxMessage[]): Promise<void>;
  /**
   * The insert of `stage` as a CTE to append to a caller's `with` list (`, o as (insert ...)`, or nothing
   * when there are no messages), inserting only when `where` holds, e.g. `exists (select 1 from updated)`:
   * one round trip for a state change and its messages.
   */
  stageCte(messages: readonly OutboxMessage[], where: string): { sql: string; params: unknown[] };
  /**
   * After the commit: publish, and mark sent soon after (batched, not awaited). Failures are logged; the
   * reconciler retries them.
   */
  send(messages: readonly OutboxMessage[]): Promise<void>;
  /** Write the sent marks of every `send` so far (the reconciler's stop does it too). */
  flush(): Promise<void>;
  /** Publish every unsent row older than the grace period, once. Returns how many were sent. */
  reconcile(): Promise<number>;
  /** Run `reconcile` periodically until the returned stop function is called. */
  startReconciler(): () => Promise<void>;
}

/** The outbox table as an entity, so that each service's schema diff knows it (no code reads it through the ORM). */
export const OutboxEntry = defineEntity({
  name: 'OutboxEntry',
  tableName: 'outbox',
  properties: (p) => ({
    id: p.text().primary(),
    tenantId: p.text(),
    subject: p.text(),
    event: p.json<CloudEvent>(),
    createdAt: p.datetime().defaultRaw('now()'),
    sentAt: p.datetime().nullable(),
  }),
  indexes: [
    {
      name: 'outbox_unsent_idx',
      expression: (table, columns, name) =>
        `create index "${name}" on ${String(table)} ("${columns.createdAt}") where "${columns.sentAt}" is null`,
    },
  ],
});

/** DDL for a service's outbox table, for its initial migration. */
export function outboxTableSql(schema: string): string[] {
  return [
    `create table "${schema}"."outbox" (
      "id" text primary key,
      "tenant_id" text not null,
      "subject" text not null,
      "event" jsonb not null,
      "created_at" timestamptz not null default now(),
      "sent_at" timestamptz null
    )`,
    `create index "outbox_unsent_idx" on "${schema}"."outbox" ("created_at") where "sent_at" is null`,
  ];
}

/** Staged events carry the trace they were staged in: a re-send by the reconciler still joins it. */
function traced(messages: readonly OutboxMessage[]): void {
  const traceparent = currentTraceparent();
  if (!traceparent) return;
  for (const m of messages) m.event.traceparent ??= traceparent;
}

export function createOutbox(options: OutboxOptions): Outbox {
  const table = `"${options.schema}"."outbox"`;
  const graceMs = options.graceMs ?? 3_000;

  // One placeholder per id: MikroORM inlines an array parameter as a comma-separated list, which made
  // `= any(?::text[])` invalid SQL and left every row unsent (re-published by each reconcile, forever).
  const markSql = (ids: readonly string[]) =>
    `update ${table} set sent_at = now() where id in (${ids.map(() => '?').join(', ')})`;
  const markSent = async (em: EntityManager, ids: string[]): Promise<void> => {
    if (ids.length === 0) return;
    await em.execute(markSql(ids), ids);
  };

  /**
   * Sent marks are written in batches: the ids of every `send` in the next `markEveryMs` go into one
   * UPDATE (in the system scope: a batch holds several tenants' rows), instead of a statement and a commit
   * each. `send` does not wait for it: a mark that never happens (a crash, a failed UPDATE) only costs a
   * re-send by the reconciler, deduplicated by JetStream and by idempotent consumers.
   */
  let pendingMarks: string[] = [];
  let marking: Promise<void> = Promise.resolve();
  let markTimer: NodeJS.Timeout | undefined;
  const flushMarks = (): Promise<void> => {
    clearTimeout(markTimer);
    markTimer = undefined;
    const ids = pendingMarks;
    pendingMarks = [];
    marking = marking.then(async () => {
      if (ids.length === 0) return;
      try {
        await tenantScope.run(systemScope, () => execute(options.orm, markSql(ids), ids));
      } catch (error) {
        options.log.warn({ err: error }, 'outbox mark-sent failed; reconciler will re-send (deduplicated)');
      }
    });
    return marking;
  };
  const markSoon = (ids: string[]): void => {
    if (ids.length === 0) return;
    pendingMarks.push(...ids);
    markTimer ??= setTimeout(() => void flushMarks(), options.markEveryMs ?? 20).unref();
  };

  const publishAll = async (messages: readonly OutboxMessage[]): Promise<string[]> => {
    const results = await Promise.allSettled(
      messages.map((m) => publishEvent(options.bus, m.subject, m.event, { msgId: m.event.id })),
    );
    const sent: string[] = [];
    results.forEach((result, i) => {
      const message = messages[i];
      if (!message) return;
      if (result.status === 'fulfilled') sent.push(message.event.id);
      else
        options.log.warn({ err: result.reason, id: message.event.id }, 'outbox publish failed; will retry');
    });
    return sent;
  };

  const outbox: Outbox = {
    async stage(em, messages) {
      if (messages.length === 0) return;
      traced(messages);
      const placeholders = messages.map(() => '(?, ?, ?, ?::jsonb)').join(', ');
      const params = messages.flatMap((m) => [
        m.event.id,
        m.event.tenantid,
        m.subject,
        JSON.stringify(m.event),
      ]);
      await em.execute(`insert into ${table} (id, tenant_id, subject, event) values ${placeholders}`, params);
    },

    stageCte(messages, where) {
      if (messages.length === 0) return { sql: '', params: [] };
      traced(messages);
      const values = messages.map(() => '(?, ?, ?, ?::jsonb)').join(', ');
      return {
        sql: `, o as (insert into ${table} (id, tenant_id, subject, event)
          select * from (values ${values}) as v(id, tenant_id, subject, event) where ${where} returning 1)`,
        params: messages.flatMap((m) => [m.event.id, m.event.tenantid, m.subject, JSON.stringify(m.event)]),
      };
    },

    async send(messages) {
      if (messages.length === 0) return;
      const sent = await publishAll(messages);
      metrics.outboxPublished.inc({ service: options.bus.service, path: 'after_commit' }, sent.length);
      markSoon(sent);
    },

    async reconcile() {
      const em = options.orm.em.fork();
      return em.transactional(async (tx) => {
        const rows = await tx.execute<{ subject: string; event: CloudEvent }[]>(
          `select subject, event from ${table}
           where sent_at is null and created_at < now() - (? * interval '1 millisecond')
           order by created_at limit 500 for update skip locked`,
          [graceMs],
        );
        if (rows.length === 0) return 0;
        const sent = await publishAll(rows);
        metrics.outboxPublished.inc({ service: options.bus.service, path: 'reconcile' }, sent.length);
        await markSent(tx, sent);
        return sent.length;
      });
    },

    flush: flushMarks,

    startReconciler() {
      const stop = startLoop({
        name: 'outbox reconcile',
        everyMs: options.reconcileEveryMs ?? 2_000,
        log: options.log,
        task: async () => {
          const count = await outbox.reconcile();
          if (count > 0) options.log.info({ count }, 'outbox re-sent unsent messages');
        },
      });
      return async () => {
        await stop();
        await flushMarks();
      };
    },
  };
  return outbox;
}
