/**
 * Writing an answered call's audit entry without losing it: appended to the chain at once, and when that
 * fails (the database busy or away), handed to JetStream (`audit.pending.<tenant>`) for the gateway's
 * audit consumer to append later, retrying until it lands. The entry's id makes the late write happen
 * once, even if the first attempt did commit before failing to answer.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { publishEvent, startConsumer, type BusConnection, type RunningConsumer } from '@riskloop/bus';
import { cloudEvent, cloudEventOf, eventTypes, PendingAudit, streams, subjects } from '@riskloop/contracts';
import type { Logger } from '@riskloop/kit';
import { randomUUID } from 'node:crypto';
import { appendAudit, type AuditInput } from './log.ts';

export type WriteAudit = (input: AuditInput) => Promise<void>;

export function createAuditWriter(orm: MikroORM, bus: BusConnection, log: Logger): WriteAudit {
  return async (input) => {
    const entry = { ...input, id: input.id ?? randomUUID() };
    const answeredAt = new Date().toISOString();
    try {
      await appendAudit(orm, entry);
      return;
    } catch (error) {
      log.warn({ err: error, tenant: entry.tenantId, id: entry.id }, 'audit entry deferred to the bus');
    }
    const data: PendingAudit = {
      id: entry.id,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      outcome: entry.outcome,
      ...(entry.status === undefined ? {} : { status: entry.status }),
      details: entry.details ?? {},
      answeredAt,
    };
    try {
      await publishEvent(
        bus,
        subjects.auditPending(entry.tenantId),
        cloudEvent({
          id: entry.id,
          source: 'riskloop/gateway',
          type: eventTypes.auditPending,
          tenant: entry.tenantId,
          data,
        }),
      );
    } catch (error) {
      // Neither PostgreSQL nor JetStream took it: the one case an entry is lost, and it is shouted about.
      log.error({ err: error, tenant: entry.tenantId, entry: data }, 'audit entry LOST');
    }
  };
}

/** Append deferred entries until each lands (retried with back-off, dead-lettered after 50 deliveries). */
export function startPendingAudit(orm: MikroORM, bus: BusConnection): Promise<RunningConsumer> {
  return startConsumer(bus, {
    stream: streams.audit,
    durable: 'gateway-audit',
    filter: subjects.auditPendingAll(),
    schema: cloudEventOf(PendingAudit),
    maxDeliver: 50,
    concurrency: 4,
    handle: async (event) => {
      const { answeredAt, ...entry } = event.data;
      await appendAudit(orm, {
        ...entry,
        tenantId: event.tenantid,
        details: { ...entry.details, deferred: true, answeredAt },
      });
    },
  });
}
