/**
 * The relay's tables (schema `relay`). A delivery is one external effect, keyed by the step command's
 * idempotency key: it is claimed before the call (with a lease, so a crashed holder's work is taken over)
 * and completed after it, together with the result event in the outbox.
 */
import { defineEntity } from '@mikro-orm/core';
import { OutboxEntry } from '@riskloop/db';

export const Delivery = defineEntity({
  name: 'Delivery',
  tableName: 'deliveries',
  properties: (p) => ({
    idempotencyKey: p.text().primary(),
    tenantId: p.text(),
    runId: p.uuid(),
    stepId: p.text(),
    kind: p.text(),
    /** in_progress, succeeded, failed */
    status: p.text(),
    leaseUntil: p.datetime(),
    /** How many times a relay copy claimed this delivery (more than 1: a holder crashed). */
    claims: p.integer().default(1),
    tries: p.integer().default(0),
    request: p.json<unknown>(),
    response: p.json<unknown>().nullable(),
    error: p.json<unknown>().nullable(),
    startedAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
  }),
  indexes: [{ name: 'deliveries_run_idx', properties: ['tenantId', 'runId'] }],
});

export const entities = [Delivery, OutboxEntry];
