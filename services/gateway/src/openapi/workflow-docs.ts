/** OpenAPI descriptions of the workflow routes: definitions, versions, lifecycle, dry runs, preview links. */
import { rpcs, RunQuery } from '@riskloop/contracts';
import { mergeDocs, reasonBody, tagged, uuid, type OperationDocs } from './operation.ts';

const workflow = { id: uuid('The workflow') };
const etag = { ETag: 'The latest version, quoted (`"3"`): send it back as `If-Match`' };

const workflows: OperationDocs = {
  'GET /api/schemas/workflow-definition': {
    summary: 'The definition language as JSON Schema',
    description:
      'Draft 2020-12. Checks that JSON Schema cannot express (URLs, time zones, cron, cross-field rules) are made when a definition is saved.',
    answers: { 200: { description: 'The JSON Schema of a workflow definition', schema: { type: 'object' } } },
  },
  'POST /api/workflows': {
    summary: 'Create a workflow',
    description: 'From a definition in JSON or YAML: a draft at version 1.',
    body: { schema: 'WorkflowDefinitionInput' },
    answers: {
      201: {
        description: 'The new workflow',
        schema: 'WorkflowView',
        headers: { Location: 'The workflow’s URL', ...etag },
      },
    },
  },
  'GET /api/workflows': {
    summary: 'List workflows',
    description: 'Newest first, a page at a time: pass `nextCursor` as `cursor` for the next one.',
    query: rpcs.listWorkflows.request,
    answers: {
      200: { description: 'A page of workflows (without definitions)', schema: 'WorkflowSummaryPage' },
    },
  },
  'POST /api/workflows/dry-run': {
    summary: 'Dry-run a definition sent inline',
    description:
      'Which triggers would match the payload, the path a run would take, each step’s rendered input and the KRI events it would emit. Nothing is called or stored.',
    body: { schema: 'DryRunBody' },
    answers: { 200: { description: 'What a run would do', schema: 'DryRunReport' } },
  },
  'GET /api/workflows/:id': {
    summary: 'Get a workflow',
    params: workflow,
    answers: {
      200: { description: 'The workflow with its latest definition', schema: 'WorkflowView', headers: etag },
    },
  },
  'PUT /api/workflows/:id': {
    summary: 'Save a new version',
    description:
      'Every change is a new immutable version with a reason: `{ reason, definition }`, or the bare definition (e.g. YAML) with `?reason=` or `X-Change-Reason`. On an active workflow new runs take it at once (or, with change approval on, once someone else activates it).',
    params: workflow,
    query: { reason: { description: 'Why (when the body is the bare definition)' } },
    headers: {
      'If-Match': { description: 'The ETag the edit started from: a newer version makes this a 412' },
      'X-Change-Reason': { description: 'Why (when the body is the bare definition)' },
    },
    body: {
      schema: {
        anyOf: [
          {
            type: 'object',
            required: ['reason', 'definition'],
            properties: {
              reason: { type: 'string', minLength: 1, maxLength: 2000 },
              definition: { $ref: '#/components/schemas/WorkflowDefinitionInput' },
            },
          },
          { $ref: '#/components/schemas/WorkflowDefinitionInput' },
        ],
      },
    },
    answers: {
      200: { description: 'The workflow at its new version', schema: 'WorkflowView', headers: etag },
    },
    errors: [409, 412],
  },
  'GET /api/workflows/:id/versions': {
    summary: 'List versions',
    description: 'Every version with who made it, when and why, and its provenance (e.g. the interview).',
    params: workflow,
    answers: { 200: { description: 'The versions, oldest first', schema: 'VersionList' } },
  },
  'GET /api/workflows/:id/versions/:n': {
    summary: 'Get one version',
    params: workflow,
    answers: { 200: { description: 'The version with its definition', schema: 'VersionView' } },
  },
  'GET /api/workflows/:id/change-log': {
    summary: 'The change log',
    description:
      'Every edit and lifecycle change: actor, action, reason and the diff from the previous version.',
    params: workflow,
    answers: { 200: { description: 'The changes, oldest first', schema: 'ChangeLog' } },
  },
  'POST /api/workflows/:id/activate': {
    summary: 'Activate',
    description:
      'Draft or paused -> active. With the tenant’s change approval on, the author of the version cannot activate it.',
    params: workflow,
    body: reasonBody,
    answers: { 200: { description: 'The workflow', schema: 'WorkflowView' } },
  },
  'POST /api/workflows/:id/pause': {
    summary: 'Pause',
    description: 'Active -> paused: triggers stop starting runs; runs in flight finish.',
    params: workflow,
    body: reasonBody,
    answers: { 200: { description: 'The workflow', schema: 'WorkflowView' } },
  },
  'POST /api/workflows/:id/archive': {
    summary: 'Archive',
    description: 'Any state -> archived (read-only, for good).',
    params: workflow,
    body: reasonBody,
    answers: { 200: { description: 'The workflow', schema: 'WorkflowView' } },
  },
  'POST /api/workflows/:id/dry-run': {
    summary: 'Dry-run a stored workflow',
    description:
      'Its active version, else its latest, unless `version` is given. Nothing is called or stored.',
    params: workflow,
    body: { schema: 'StoredDryRunBody', required: false },
    answers: { 200: { description: 'What a run would do', schema: 'DryRunReport' } },
  },
};

const runsOfWorkflow: OperationDocs = {
  'POST /api/workflows/:id/run': {
    summary: 'Start a run',
    description:
      'The body is the trigger payload (checked against the manual trigger’s `input` schema). The same `Idempotency-Key` starts one run however often it is sent.',
    params: workflow,
    body: { schema: 'RunRequestBody' },
    answers: {
      202: { description: 'Queued', schema: 'RunAccepted', headers: { Location: 'The run’s URL' } },
      200: { description: 'Already started with this Idempotency-Key', schema: 'RunAccepted' },
    },
  },
  'GET /api/workflows/:id/runs': {
    summary: 'List a workflow’s runs',
    description: 'Newest first, a page at a time.',
    params: workflow,
    query: RunQuery,
    answers: { 200: { description: 'A page of runs', schema: 'RunSummaryPage' } },
  },
  'POST /api/workflows/:id/webhook-secret': {
    summary: 'Make a webhook secret',
    description:
      'A new signing secret for the workflow’s inbound webhook (replacing the old one), shown once, with the URL senders call.',
    params: workflow,
    answers: { 201: { description: 'The secret (shown once) and the URL', schema: 'WebhookSecretCreated' } },
  },
};

const previewLinks: OperationDocs = {
  'POST /api/workflows/:id/preview-links': {
    summary: 'Make a preview link',
    description:
      'A single-use public URL showing one version read-only. The token is 256 random bits, shown once and stored only as a hash.',
    params: workflow,
    body: { schema: 'CreatePreviewLinkBody', required: false },
    answers: {
      201: { description: 'The link with its URL and token (shown once)', schema: 'PreviewLinkCreated' },
    },
  },
  'GET /api/workflows/:id/preview-links': {
    summary: 'List preview links',
    description: 'With their state; never their tokens.',
    params: workflow,
    answers: { 200: { description: 'The workflow’s links', schema: 'PreviewLinkList' } },
  },
  'DELETE /api/workflows/:id/preview-links/:linkId': {
    summary: 'Revoke a preview link',
    params: workflow,
    answers: { 204: { description: 'Revoked' } },
  },
};

export const workflowDocs = mergeDocs(
  tagged('Workflows', workflows),
  tagged('Runs', runsOfWorkflow),
  tagged('Preview links', previewLinks),
);
