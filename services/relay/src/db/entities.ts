/**
 * The relay's tables (schema `relay`). A delivery is one external effect, keyed by the step command's
 * idempotency key: it is claimed before the call (with a lease, so a crashed holder's work is taken over)
 * and completed after it, together with the result event in the outbox.
 */
import { defineEntity } from '@mikro-orm/core';
import { DataKeyEntry, OutboxEntry } from '@riskloop/db';

export const Delivery = defineEntity({
  name: 'Delivery',
  tableName: 'deliveries',
  properties: (p) => ({
    idempotencyKey: p.text().primary(),
    tenantId: p.text(),
    runId: p.uuid(),
    stepId: p.text(),
    kind: p.text(),
    /** The tenant's named destination it went to (null: a webhook step without one). */
    destination: p.text().nullable(),
    /** in_progress, succeeded, failed */
    status: p.text(),
    leaseUntil: p.datetime(),
    /** How many times a relay copy claimed this delivery (more than 1: a holder crashed). */
    claims: p.integer().default(1),
    tries: p.integer().default(0),
    request: p.json<unknown>(),
    response: p.json<unknown>().nullable(),
    error: p.json<unknown>().nullable(),
    /**
     * Effects already made within this delivery (a `notify` recipient sent, a ticket created), recorded as
     * each one happens: a copy that takes the delivery over skips them.
     */
    effects: p.json<Record<string, unknown>>().default('{}'),
    startedAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
  }),
  indexes: [{ name: 'deliveries_run_idx', properties: ['tenantId', 'runId'] }],
});

/** A tenant's relay config: destinations (credentials sealed), recipients, roles and groups. */
export const RelayConfig = defineEntity({
  name: 'RelayConfig',
  tableName: 'relay_configs',
  properties: (p) => ({
    tenantId: p.text().primary(),
    /** `RelayConfigBody` with every credential sealed (`rls1.` values); never plaintext. */
    document: p.json<unknown>(),
    version: p.integer(),
    updatedBy: p.text(),
    updatedAt: p.datetime(),
  }),
});

/** A file a run's `document` step produced (the PostgreSQL artifact store). */
export const Artifact = defineEntity({
  name: 'Artifact',
  tableName: 'artifacts',
  properties: (p) => ({
    tenantId: p.text().primary(),
    runId: p.uuid().primary(),
    name: p.text().primary(),
    stepId: p.text(),
    mediaType: p.text(),
    size: p.integer(),
    /** Hex SHA-256 of `content`. */
    sha256: p.text(),
    content: p.blob(),
    createdAt: p.datetime(),
  }),
});

/** A tenant's registered remediation action (`RemediationActionBody`); never code, only an endpoint. */
export const RemediationAction = defineEntity({
  name: 'RemediationAction',
  tableName: 'remediation_actions',
  properties: (p) => ({
    tenantId: p.text().primary(),
    name: p.text().primary(),
    document: p.json<unknown>(),
    version: p.integer(),
    updatedBy: p.text(),
    updatedAt: p.datetime(),
  }),
});

export const entities = [Delivery, RelayConfig, Artifact, RemediationAction, DataKeyEntry, OutboxEntry];
