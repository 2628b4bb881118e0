/** The registry's tables (schema `registry`): workflows, their immutable versions, and the change log. */
import { defineEntity } from '@mikro-orm/core';
import { OutboxEntry } from '@riskloop/db';

export const Workflow = defineEntity({
  name: 'Workflow',
  tableName: 'workflows',
  properties: (p) => ({
    id: p.uuid().primary(),
    tenantId: p.text(),
    name: p.text(),
    status: p.text(),
    latestVersion: p.integer(),
    activeVersion: p.integer().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    tags: p.array().default([]),
    rowVersion: p.integer().version(),
  }),
  indexes: [
    { name: 'workflows_tenant_idx', properties: ['tenantId', 'createdAt'] },
    {
      name: 'workflows_tags_idx',
      expression: 'create index "workflows_tags_idx" on "registry"."workflows" using gin ("tags")',
    },
  ],
});

export const WorkflowVersion = defineEntity({
  name: 'WorkflowVersion',
  tableName: 'workflow_versions',
  properties: (p) => ({
    workflowId: p.uuid().primary(),
    version: p.integer().primary(),
    tenantId: p.text(),
    definition: p.json<Record<string, unknown>>(),
    createdBy: p.text(),
    /** Why this version exists (the `reason` of the edit); null for version 1. */
    reason: p.text().nullable(),
    createdAt: p.datetime(),
    /** Where the version came from when not typed in, e.g. `{ source: 'interview', interviewId, transcriptHash }`. */
    provenance: p.json<Record<string, unknown>>().nullable(),
  }),
  primaryKeys: ['workflowId', 'version'],
  indexes: [
    { name: 'workflow_versions_tenant_idx', properties: ['tenantId', 'workflowId'] },
    {
      // One version per interview: a confirm that is retried finds the version it already made.
      name: 'workflow_versions_interview_idx',
      expression: `create unique index "workflow_versions_interview_idx" on "registry"."workflow_versions" ((provenance->>'interviewId')) where provenance is not null`,
    },
  ],
});

export const ChangeLogEntry = defineEntity({
  name: 'ChangeLogEntry',
  tableName: 'change_log',
  properties: (p) => ({
    id: p.uuid().primary(),
    tenantId: p.text(),
    workflowId: p.uuid(),
    version: p.integer(),
    actor: p.text(),
    action: p.text(),
    reason: p.text().nullable(),
    diff: p.json<unknown>().nullable(),
    at: p.datetime(),
  }),
  indexes: [{ name: 'change_log_workflow_idx', properties: ['tenantId', 'workflowId', 'at'] }],
});

/** A tenant's KRI catalogue: the KRIs breaches may name and definitions may affect. */
export const Kri = defineEntity({
  name: 'Kri',
  tableName: 'kris',
  properties: (p) => ({
    tenantId: p.text().primary(),
    id: p.text().primary(),
    name: p.text(),
    unit: p.text().nullable(),
    description: p.text().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  }),
  primaryKeys: ['tenantId', 'id'],
});

/** A KRI event definition as it is now (its latest version). */
export const KriDefinition = defineEntity({
  name: 'KriDefinition',
  tableName: 'kri_definitions',
  properties: (p) => ({
    tenantId: p.text().primary(),
    id: p.text().primary(),
    event: p.text(),
    version: p.integer(),
    body: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    updatedBy: p.text(),
  }),
  primaryKeys: ['tenantId', 'id'],
  indexes: [{ name: 'kri_definitions_event_idx', properties: ['tenantId', 'event'] }],
});

/** Every version of a KRI event definition, immutable: the change log (who, why, what changed). */
export const KriDefinitionVersion = defineEntity({
  name: 'KriDefinitionVersion',
  tableName: 'kri_definition_versions',
  properties: (p) => ({
    tenantId: p.text().primary(),
    definitionId: p.text().primary(),
    version: p.integer().primary(),
    body: p.json<Record<string, unknown>>(),
    action: p.text(),
    actor: p.text(),
    reason: p.text().nullable(),
    diff: p.json<unknown>().nullable(),
    at: p.datetime(),
  }),
  primaryKeys: ['tenantId', 'definitionId', 'version'],
});

/** A tenant's settings the registry enforces (change approval); no row means every setting off. */
export const TenantPolicy = defineEntity({
  name: 'TenantPolicy',
  tableName: 'tenant_policies',
  properties: (p) => ({
    tenantId: p.text().primary(),
    changeApproval: p.boolean(),
    updatedAt: p.datetime(),
    updatedBy: p.text(),
  }),
});

export const entities = [
  Workflow,
  WorkflowVersion,
  ChangeLogEntry,
  OutboxEntry,
  Kri,
  KriDefinition,
  KriDefinitionVersion,
  TenantPolicy,
];
