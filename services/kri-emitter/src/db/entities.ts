/**
 * The KRI emitter's tables (schema `kri_emitter`): one result per step command (idempotency key), and
 * every KRI update published, with its run and step, for audit.
 */
import { defineEntity } from '@mikro-orm/core';
import { OutboxEntry } from '@riskloop/db';

export const EmitResult = defineEntity({
  name: 'EmitResult',
  tableName: 'emit_results',
  properties: (p) => ({
    idempotencyKey: p.text().primary(),
    tenantId: p.text(),
    runId: p.uuid(),
    stepId: p.text(),
    /** succeeded or failed */
    status: p.text(),
    at: p.datetime(),
  }),
});

export const EmittedKriEvent = defineEntity({
  name: 'EmittedKriEvent',
  tableName: 'emitted_events',
  properties: (p) => ({
    /** The `kri.update` CloudEvent id: `kri-update:<idempotency key>:<definition id>`. */
    id: p.text().primary(),
    tenantId: p.text(),
    runId: p.uuid(),
    workflowId: p.uuid(),
    stepId: p.text(),
    idempotencyKey: p.text(),
    event: p.text(),
    kri: p.text(),
    effect: p.text(),
    amount: p.double().nullable(),
    definitionId: p.text(),
    definitionVersion: p.integer(),
    /** The `emit_kri` step's attributes (e.g. `framework`): `query` steps filter on them. */
    attributes: p.json<Record<string, unknown>>().default('{}'),
    emittedAt: p.datetime(),
  }),
  indexes: [
    { name: 'emitted_events_run_idx', properties: ['tenantId', 'runId'] },
    { name: 'emitted_events_time_idx', properties: ['tenantId', 'emittedAt'] },
  ],
});

export const entities = [EmitResult, EmittedKriEvent, OutboxEntry];
