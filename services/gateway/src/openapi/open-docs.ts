/**
 * OpenAPI descriptions of the routes reached without a credential (`security: []`): health, inbound
 * webhooks (signed by the sender instead) and preview-link redemption (the token is the credential).
 */
import { webhookHeaders } from '@riskloop/contracts';
import { mergeDocs, tagged, uuid, type OperationDocs } from './operation.ts';

const health: OperationDocs = {
  'GET /healthz': {
    summary: 'Is the gateway up',
    open: true,
    answers: {
      200: {
        description: 'The process is up',
        schema: { type: 'object', properties: { status: { const: 'ok' } } },
      },
    },
  },
  'GET /readyz': {
    summary: 'Is the platform ready',
    description:
      'Ready when the gateway’s database and NATS answer and at least one copy of the registry, trigger-router, runner and relay does.',
    open: true,
    answers: {
      200: { description: 'Ready: `{ status, checks }`', type: 'application/json' },
      503: { description: 'Not ready: `checks` names what failed', type: 'application/json' },
    },
  },
};

const inbound: OperationDocs = {
  'POST /hooks/:tenant/:workflow': {
    summary: 'Receive a webhook',
    description: `The URL a sender calls to start a run of the workflow (its webhook trigger). No credential: the sender signs \`<timestamp>.<raw body>\` with the workflow's webhook secret (HMAC-SHA256) in \`${webhookHeaders.signature}: v1=<hex>\`, with the Unix time in \`${webhookHeaders.timestamp}\` (at most 5 minutes off). A replayed signature starts nothing.`,
    open: true,
    params: {
      tenant: { description: 'The tenant id', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
      workflow: uuid('The workflow'),
    },
    headers: {
      [webhookHeaders.timestamp]: { description: 'Unix seconds', required: true },
      [webhookHeaders.signature]: { description: '`v1=<hex HMAC-SHA256>`', required: true },
    },
    body: {
      schema: {},
      types: ['*/*'],
      description: 'The sender’s event, as it is (the signature covers the raw bytes)',
    },
    answers: {
      202: { description: 'A run was started', schema: 'WebhookAnswer' },
      200: {
        description: 'Accepted without a run (e.g. its conditions did not hold)',
        schema: 'WebhookAnswer',
      },
    },
    errors: [401],
  },
};

const preview: OperationDocs = {
  'GET /api/public/workflow/:token': {
    summary: 'Redeem a preview link',
    description:
      'Single-use: a read-only view of one workflow version (and, if the link asks for it, the outcome of its recent runs), with no secrets and no ids. An unknown, used, revoked or expired token gets the same 404. Answers carry `Cache-Control: no-store` and `Referrer-Policy: no-referrer`.',
    open: true,
    params: { token: { description: 'The token from the link’s URL' } },
    answers: { 200: { description: 'The workflow version’s public view', type: 'application/json' } },
  },
};

export const openDocs = mergeDocs(
  tagged('Health', health),
  tagged('Inbound webhooks', inbound),
  tagged('Preview links', preview),
);
