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

export const entities = [Tenant, ApiKey, OidcConfig];
