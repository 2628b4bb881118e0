/**
 * The interview service's tables (schema `interview`). Turns and archived transcripts are append-only
 * (a trigger refuses UPDATE and DELETE); the interview row holds the working state (draft, provenance,
 * guided progress) under optimistic locking; panel runs record each expert panel once per idempotency key.
 */
import { defineEntity } from '@mikro-orm/core';
import { OutboxEntry } from '@riskloop/db';

export const Interview = defineEntity({
  name: 'Interview',
  tableName: 'interviews',
  properties: (p) => ({
    id: p.uuid().primary(),
    tenantId: p.text(),
    /** open, confirmed, abandoned */
    status: p.text(),
    /** llm, guided */
    mode: p.text(),
    model: p.text().nullable(),
    goal: p.text().nullable(),
    /** The workflow being edited (null: a new one). */
    workflowId: p.uuid().nullable(),
    /** Draft, provenance, settled parts, guided progress, baseline errors. */
    state: p.json<Record<string, unknown>>(),
    createdBy: p.text(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    resultWorkflowId: p.uuid().nullable(),
    resultVersion: p.integer().nullable(),
    transcriptHash: p.text().nullable(),
    rowVersion: p.integer().version(),
  }),
  indexes: [{ name: 'interviews_tenant_idx', properties: ['tenantId', 'createdAt'] }],
});

export const InterviewTurn = defineEntity({
  name: 'InterviewTurn',
  tableName: 'turns',
  properties: (p) => ({
    interviewId: p.uuid().primary(),
    seq: p.integer().primary(),
    tenantId: p.text(),
    role: p.text(),
    text: p.text(),
    at: p.datetime(),
    /** Assistant turns: mode, model, changed parts, refused proposal's errors. */
    facts: p.json<Record<string, unknown>>().nullable(),
  }),
  primaryKeys: ['interviewId', 'seq'],
});

export const ArchivedTranscript = defineEntity({
  name: 'ArchivedTranscript',
  tableName: 'transcripts',
  properties: (p) => ({
    interviewId: p.uuid().primary(),
    tenantId: p.text(),
    /** sha256 (hex) of the canonical JSON of `turns`. */
    hash: p.text(),
    turns: p.json<unknown[]>(),
    archivedAt: p.datetime(),
  }),
});

export const PanelRun = defineEntity({
  name: 'PanelRun',
  tableName: 'panel_runs',
  properties: (p) => ({
    idempotencyKey: p.text().primary(),
    tenantId: p.text(),
    runId: p.uuid(),
    stepId: p.text(),
    /** in_progress, succeeded, failed */
    status: p.text(),
    model: p.text(),
    /** The question and the personas as asked. */
    prompt: p.json<Record<string, unknown>>(),
    answers: p.json<unknown[]>().nullable(),
    synthesis: p.text().nullable(),
    error: p.json<Record<string, unknown>>().nullable(),
    leaseUntil: p.datetime(),
    startedAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
  }),
  indexes: [{ name: 'panel_runs_run_idx', properties: ['tenantId', 'runId'] }],
});

export const TenantSettings = defineEntity({
  name: 'TenantSettings',
  tableName: 'tenant_settings',
  properties: (p) => ({
    tenantId: p.text().primary(),
    model: p.text().nullable(),
    updatedBy: p.text(),
    updatedAt: p.datetime(),
  }),
});

export const entities = [Interview, InterviewTurn, ArchivedTranscript, PanelRun, TenantSettings, OutboxEntry];
