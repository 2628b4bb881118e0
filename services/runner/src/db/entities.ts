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
    /** Set while a dispatched step is outstanding: past it, the re-drive sends the step again. */
    stallsAt: p.datetime().nullable(),
  }),
  indexes: [
    { name: 'runs_workflow_idx', properties: ['tenantId', 'workflowId', 'createdAt'] },
    {
      name: 'runs_stalls_idx',
      expression: (table, columns, name) =>
        `create index "${name}" on ${String(table)} ("${columns.stallsAt}") where "${columns.stallsAt}" is not null`,
    },
  ],
});

/** Durable timers (DESIGN.md rule 5): claimed with `FOR UPDATE SKIP LOCKED` once due, fired once. */
export const Timer = defineEntity({
  name: 'Timer',
  tableName: 'timers',
  properties: (p) => ({
    id: p.uuid().primary(),
    tenantId: p.text(),
    runId: p.uuid(),
    /** `<purpose>:<step>:<attempt>[:<n>]`, unique per run: scheduling twice stores one timer. */
    key: p.text(),
    stepId: p.text(),
    dueAt: p.datetime(),
    firedAt: p.datetime().nullable(),
  }),
  uniques: [{ properties: ['runId', 'key'] }],
  indexes: [
    {
      name: 'timers_due_idx',
      expression: (table, columns, name) =>
        `create index "${name}" on ${String(table)} ("${columns.dueAt}") where "${columns.firedAt}" is null`,
    },
  ],
});

/** An approval step's request: a projection of the run's snapshot, for the inbox and the API. */
export const Approval = defineEntity({
  name: 'Approval',
  tableName: 'approvals',
  properties: (p) => ({
    id: p.uuid().primary(),
    tenantId: p.text(),
    runId: p.uuid(),
    workflowId: p.uuid(),
    stepId: p.text(),
    status: p.text(),
    /** The whole approval state as the run holds it (approvers, order, mode, decisions...). */
    state: p.json<unknown>(),
    /** Who may decide now, flattened for the inbox query. */
    eligibleUsers: p.array().columnType('text[]'),
    eligibleRoles: p.array().columnType('text[]'),
    eligibleGroups: p.array().columnType('text[]'),
    dueAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    decidedAt: p.datetime().nullable(),
  }),
  indexes: [
    { name: 'approvals_tenant_status_idx', properties: ['tenantId', 'status', 'createdAt'] },
    { name: 'approvals_run_idx', properties: ['runId'] },
  ],
});

/** Decisions are immutable: a trigger refuses UPDATE and DELETE (see the migration). */
export const ApprovalDecision = defineEntity({
  name: 'ApprovalDecision',
  tableName: 'approval_decisions',
  properties: (p) => ({
    id: p.uuid().primary(),
    tenantId: p.text(),
    approvalId: p.uuid(),
    runId: p.uuid(),
    decision: p.text(),
    actor: p.text(),
    userId: p.text().nullable(),
    approver: p.json<unknown>(),
    comment: p.text().nullable(),
    decidedAt: p.datetime(),
  }),
  indexes: [{ name: 'approval_decisions_approval_idx', properties: ['approvalId'] }],
});

/** Runs waiting for an outside event of a type (`wait: { event }`). */
export const Wait = defineEntity({
  name: 'Wait',
  tableName: 'waits',
  properties: (p) => ({
    runId: p.uuid().primary(),
    stepId: p.text().primary(),
    tenantId: p.text(),
    eventType: p.text(),
    createdAt: p.datetime(),
  }),
  primaryKeys: ['runId', 'stepId'],
  indexes: [{ name: 'waits_type_idx', properties: ['tenantId', 'eventType'] }],
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

export const entities = [
  Run,
  RunHistory,
  PinnedVersion,
  Timer,
  Approval,
  ApprovalDecision,
  Wait,
  OutboxEntry,
];
