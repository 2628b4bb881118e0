/** The trigger router's tables (schema `trigger_router`): every run it started, unique per cause. */
import { defineEntity } from '@mikro-orm/core';
import { OutboxEntry } from '@riskloop/db';

export const TriggeredRun = defineEntity({
  name: 'TriggeredRun',
  tableName: 'triggered_runs',
  properties: (p) => ({
    runId: p.uuid().primary(),
    tenantId: p.text(),
    /** The id of what caused the run: a request id, a breach's source event id, a schedule slot. */
    sourceId: p.text(),
    sourceType: p.text(),
    workflowId: p.uuid(),
    version: p.integer(),
    createdAt: p.datetime(),
  }),
  uniques: [{ properties: ['tenantId', 'sourceId', 'workflowId'] }],
});

export const entities = [TriggeredRun, OutboxEntry];
