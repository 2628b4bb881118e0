/**
 * The trigger router's tables (schema `trigger_router`): every run it started (unique per cause), outside
 * events it accepted (unique per source event id), schedule cursors, and sealed webhook secrets.
 */
import { defineEntity } from '@mikro-orm/core';
import { DataKeyEntry, OutboxEntry } from '@riskloop/db';

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
    /** The `run.start` data, kept until the run is released to the runner. */
    start: p.json<unknown>().nullable(),
    /** When the run was sent to the runner; null while it waits for the tenant's rate limit. */
    releasedAt: p.datetime().nullable(),
    /** When the runner reported the run finished: released and not finished is in flight. */
    finishedAt: p.datetime().nullable(),
  }),
  uniques: [{ properties: ['tenantId', 'sourceId', 'workflowId'] }],
  indexes: [
    { name: 'triggered_runs_release_idx', properties: ['tenantId', 'releasedAt'] },
    {
      name: 'triggered_runs_in_flight_idx',
      expression: (table, columns, name) =>
        `create index "${name}" on ${String(table)} ("${columns.tenantId}") where "${columns.releasedAt}" is not null and "${columns.finishedAt}" is null`,
    },
    {
      name: 'triggered_runs_queued_idx',
      expression: (table, columns, name) =>
        `create index "${name}" on ${String(table)} ("${columns.tenantId}", "${columns.createdAt}") where "${columns.releasedAt}" is null`,
    },
  ],
});

/** Outside events (breaches, recoveries, foreign events, webhook deliveries) accepted, once each. */
export const ReceivedEvent = defineEntity({
  name: 'ReceivedEvent',
  tableName: 'received_events',
  properties: (p) => ({
    tenantId: p.text().primary(),
    /** `<kind>:<source event id>`. */
    sourceId: p.text().primary(),
    kind: p.text(),
    type: p.text(),
    receivedAt: p.datetime(),
  }),
  primaryKeys: ['tenantId', 'sourceId'],
});

/** The last scheduled time handled, per workflow and trigger (runs themselves are unique per time). */
export const ScheduleCursor = defineEntity({
  name: 'ScheduleCursor',
  tableName: 'schedule_cursors',
  properties: (p) => ({
    workflowId: p.uuid().primary(),
    triggerIndex: p.integer().primary(),
    tenantId: p.text(),
    lastFireAt: p.datetime(),
  }),
  primaryKeys: ['workflowId', 'triggerIndex'],
});

/** A workflow's inbound webhook secret, sealed with the tenant's data key. */
export const WebhookSecret = defineEntity({
  name: 'WebhookSecret',
  tableName: 'webhook_secrets',
  properties: (p) => ({
    tenantId: p.text().primary(),
    workflowId: p.uuid().primary(),
    sealed: p.text(),
    createdBy: p.text(),
    createdAt: p.datetime(),
  }),
  primaryKeys: ['tenantId', 'workflowId'],
});

export const entities = [
  TriggeredRun,
  ReceivedEvent,
  ScheduleCursor,
  WebhookSecret,
  OutboxEntry,
  DataKeyEntry,
];
