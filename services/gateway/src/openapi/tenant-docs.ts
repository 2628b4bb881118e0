/**
 * OpenAPI descriptions of the tenant's own settings and records: credentials, identity provider, security
 * settings, relay configuration, the audit log, and this document.
 */
import { roles } from '@riskloop/contracts';
import { AuditQuery } from '../routes/audit-log.ts';
import { mergeDocs, tagged, type OperationDocs } from './operation.ts';

const configEtag = { ETag: 'The config’s version, quoted: send it back as `If-Match`' };

const access: OperationDocs = {
  'GET /api/me': {
    summary: 'Who am I',
    description: 'Who the credential says the caller is.',
    answers: {
      200: {
        description: 'The caller',
        schema: {
          type: 'object',
          required: ['tenantId', 'role', 'user', 'groups', 'actor', 'credential'],
          properties: {
            tenantId: { type: 'string' },
            role: { enum: [...roles] },
            user: { type: ['string', 'null'] },
            groups: { type: 'array', items: { type: 'string' } },
            actor: { type: 'string', description: 'As audit entries record it: `user:<id>` or `key:<id>`' },
            credential: { enum: ['api_key', 'oidc'] },
          },
        },
      },
    },
  },
  'GET /api/api-keys': {
    summary: 'List API keys',
    description: 'Every key of the tenant, revoked ones included; never a token.',
    answers: { 200: { description: 'The keys', schema: 'ApiKeyList' } },
  },
  'POST /api/api-keys': {
    summary: 'Make an API key',
    description:
      'For a person (with `user` and `groups`, which approvals match) or for a service. The token is shown once; only its hash is kept.',
    body: { schema: 'CreateApiKeyBody' },
    answers: {
      201: {
        description: 'The key and its token (shown once)',
        schema: 'ApiKeyCreated',
        headers: { Location: 'The key’s URL' },
      },
    },
  },
  'DELETE /api/api-keys/:keyId': {
    summary: 'Revoke an API key',
    params: { keyId: { description: 'The key’s `keyId`' } },
    answers: { 204: { description: 'Revoked' } },
  },
  'GET /api/oidc-config': {
    summary: 'The tenant’s identity provider',
    answers: {
      200: { description: 'Issuer, audience, JWKS URL and claim mapping', schema: 'OidcConfigView' },
    },
  },
  'PUT /api/oidc-config': {
    summary: 'Set the tenant’s identity provider',
    description:
      'People then call the API with bearer JWTs whose signature verifies against `jwksUrl` and whose `iss` and `aud` match.',
    body: { schema: 'OidcConfigBody' },
    answers: { 200: { description: 'The config', schema: 'OidcConfigView' } },
  },
  'DELETE /api/oidc-config': {
    summary: 'Remove the tenant’s identity provider',
    answers: { 204: { description: 'Removed: bearer JWTs are refused from now on' } },
  },
};

const settings: OperationDocs = {
  'GET /api/tenant-settings': {
    summary: 'The tenant’s security settings',
    answers: { 200: { description: 'The settings', schema: 'TenantSettings' } },
  },
  'PUT /api/tenant-settings': {
    summary: 'Change the tenant’s security settings',
    description:
      '`changeApproval`: a workflow version goes live only when someone other than its author activates it.',
    body: { schema: 'TenantSettings' },
    answers: { 200: { description: 'The settings', schema: 'TenantSettings' } },
  },
  'GET /api/relay-config': {
    summary: 'The relay configuration',
    description: 'Destinations (credentials masked) and the people directory.',
    answers: { 200: { description: 'The config', schema: 'RelayConfigView', headers: configEtag } },
  },
  'PUT /api/relay-config': {
    summary: 'Replace the relay configuration',
    description: 'A credential sent as the mask keeps its stored value.',
    headers: {
      'If-Match': { description: 'The ETag the edit started from: a newer version makes this a 412' },
    },
    body: { schema: 'RelayConfigBody' },
    answers: { 200: { description: 'The config', schema: 'RelayConfigView', headers: configEtag } },
    errors: [412],
  },
  'POST /api/relay-config/destinations/:name/test': {
    summary: 'Test a destination',
    description: 'One harmless call to the destination, within its 10 s timeout.',
    params: { name: { description: 'The destination’s name in the relay config' } },
    answers: { 200: { description: 'Whether it answered, and how', schema: 'DestinationTestResult' } },
  },
};

const records: OperationDocs = {
  'GET /api/audit-log': {
    summary: 'The audit log',
    description:
      'The tenant’s entries in sequence order: every mutation, lifecycle change, decision, credential change and preview-link redemption, each hash-chained to the one before.',
    query: AuditQuery,
    answers: {
      200: { description: 'A page of entries (`nextCursor` for the next one)', type: 'application/json' },
    },
  },
  'GET /api/openapi.json': {
    summary: 'This document',
    description: 'The OpenAPI 3.1 description of every route the gateway has.',
    answers: { 200: { description: 'The OpenAPI document', schema: { type: 'object' } } },
  },
};

export const tenantDocs = mergeDocs(
  tagged('Access', access),
  tagged('Settings', settings),
  tagged('Records', records),
);
