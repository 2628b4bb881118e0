/** The gateway's tables (schema `gateway`): tenants and their API keys (only a hash of each secret). */
import { defineEntity } from '@mikro-orm/core';

export const Tenant = defineEntity({
  name: 'Tenant',
  tableName: 'tenants',
  properties: (p) => ({
    id: p.uuid().primary(),
    name: p.text().unique(),
    createdAt: p.datetime(),
  }),
});

export const ApiKey = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: (p) => ({
    keyId: p.text().primary(),
    tenantId: p.uuid(),
    name: p.text(),
    role: p.text(),
    /** The person the key belongs to (matched by `{ user }` approvers); absent for service keys. */
    userId: p.text().nullable(),
    /** Groups the holder belongs to (matched by `{ group }` approvers). */
    groups: p.array().columnType('text[]').default('{}'),
    secretHash: p.text(),
    createdAt: p.datetime(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  }),
  indexes: [{ name: 'api_keys_tenant_idx', properties: ['tenantId'] }],
});

/** A tenant's identity provider: bearer JWTs from `issuer` for `audience`, keys at `jwksUrl`. */
export const OidcConfig = defineEntity({
  name: 'OidcConfig',
  tableName: 'oidc_configs',
  properties: (p) => ({
    tenantId: p.uuid().primary(),
    issuer: p.text(),
    audience: p.text(),
    jwksUrl: p.text(),
    userClaim: p.text(),
    groupsClaim: p.text(),
    roleClaim: p.text(),
    roleMap: p.json<Record<string, string>>(),
    defaultRole: p.text().nullable(),
    updatedAt: p.datetime(),
    updatedBy: p.text(),
  }),
  // One tenant per issuer and audience: the token's signed `iss` and `aud` name the tenant.
  uniques: [{ name: 'oidc_configs_issuer_audience_unique', properties: ['issuer', 'audience'] }],
});

/**
 * The audit log: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE), one gapless sequence per
 * tenant, each entry's hash covering the previous entry's hash and the entry's canonical JSON.
 */
export const AuditEntry = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_log',
  properties: (p) => ({
    tenantId: p.uuid().primary(),
    seq: p.bigint('number').primary(),
    id: p.uuid(),
    at: p.datetime(),
    actor: p.text(),
    action: p.text(),
    target: p.text(),
    outcome: p.text(),
    status: p.integer().nullable(),
    details: p.json<Record<string, unknown>>(),
    prevHash: p.text(),
    hash: p.text(),
  }),
  primaryKeys: ['tenantId', 'seq'],
  indexes: [{ name: 'audit_log_tenant_at_idx', properties: ['tenantId', 'at'] }],
  /** An entry written late (from the bus) is found by its id, so that it lands once. */
  uniques: [{ name: 'audit_log_tenant_id_unique', properties: ['tenantId', 'id'] }],
});

/** The last entry of each tenant's chain: writers lock it, and `audit verify` sees a cut-off tail. */
export const AuditHead = defineEntity({
  name: 'AuditHead',
  tableName: 'audit_heads',
  properties: (p) => ({
    tenantId: p.uuid().primary(),
    seq: p.bigint('number'),
    hash: p.text(),
  }),
});

/** A single-use public link to one workflow version; only a hash of its 256-bit token is kept. */
export const PreviewLink = defineEntity({
  name: 'PreviewLink',
  tableName: 'preview_links',
  properties: (p) => ({
    id: p.uuid().primary(),
    tenantId: p.uuid(),
    workflowId: p.uuid(),
    version: p.integer(),
    tokenHash: p.text().unique(),
    includeEvidence: p.boolean(),
    expiresAt: p.datetime(),
    createdBy: p.text(),
    createdAt: p.datetime(),
    redeemedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  }),
  indexes: [{ name: 'preview_links_workflow_idx', properties: ['tenantId', 'workflowId'] }],
});

/**
 * A POST answered under an `Idempotency-Key`: a retry with the same key and body gets the stored answer.
 * `status` is null while the first request is in progress. Answers that hold a secret shown once (a new
 * API key, a preview-link URL) are not stored: `secret` marks them and a retry is told so.
 */
export const IdempotentRequest = defineEntity({
  name: 'IdempotentRequest',
  tableName: 'idempotent_requests',
  properties: (p) => ({
    tenantId: p.uuid().primary(),
    key: p.text().primary(),
    /** `METHOD /path` and the SHA-256 of the body: the same key with another request is refused. */
    request: p.text(),
    bodyHash: p.text(),
    status: p.integer().nullable(),
    contentType: p.text().nullable(),
    response: p.text().nullable(),
    secret: p.boolean().default(false),
    createdAt: p.datetime(),
  }),
  indexes: [{ name: 'idempotent_requests_created_idx', properties: ['createdAt'] }],
});

export const entities = [Tenant, ApiKey, OidcConfig, AuditEntry, AuditHead, PreviewLink, IdempotentRequest];
