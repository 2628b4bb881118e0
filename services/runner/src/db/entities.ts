/**
 * The runner's tables (schema `runner`). A run is one row holding its persisted machine snapshot with an
 * optimistic `version`; every event applied to it is one history row, unique per event id (the dedupe).
 */
import { defineEntity } from '@mikro-orm/core';
import { OutboxEntry } from '@riskloop/db';

export const Run = defineEntity({
  name: 'Run',
  tableName: 'runs',
  properties: (p) => ({
    id: p.uuid().primary(),
    tenantId: p.text(),
    workflowId: p.uuid(),
    workflowVersion: p.integer(),
    status: p.text(),
    /** `{ value, context }` of the run's XState machine. */
    snapshot: p.json<{ value: unknown; context: unknown }>(),
    version: p.integer().version(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
  }),
  indexes: [{ name: 'runs_workflow_idx', properties: ['tenantId', 'workflowId', 'createdAt'] }],
});

export const RunHistory = defineEntity({
  name: 'RunHistory',
  tableName: 'run_history',
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    tenantId: p.text(),
    runId: p.uuid(),
    eventId: p.text(),
    eventType: p.text(),
    stateFrom: p.text().nullable(),
    stateTo: p.text(),
    at: p.datetime(),
    /** The runner copy that applied the event. */
    processedBy: p.text(),
  }),
  uniques: [{ properties: ['tenantId', 'eventId'] }],
  indexes: [{ name: 'run_history_run_idx', properties: ['runId', 'id'] }],
});

/** The definitions runs are pinned to, copied from `run.start` so a run never depends on the registry. */
export const PinnedVersion = defineEntity({
  name: 'PinnedVersion',
  tableName: 'workflow_versions',
  properties: (p) => ({
    workflowId: p.uuid().primary(),
    version: p.integer().primary(),
    tenantId: p.text(),
    definition: p.json<unknown>(),
  }),
  primaryKeys: ['workflowId', 'version'],
});

export const entities = [Run, RunHistory, PinnedVersion, OutboxEntry];
