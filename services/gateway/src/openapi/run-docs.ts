/** OpenAPI descriptions of runs, their events, artifacts and evidence, and approvals. */
import { ApprovalQuery } from '@riskloop/contracts';
import { mergeDocs, reasonBody, tagged, uuid, type OperationDocs } from './operation.ts';

const runs: OperationDocs = {
  'GET /api/runs/:runId': {
    summary: 'Get a run',
    description:
      'The trigger payload, the pinned version, the path taken and every step’s input, output, status, attempts and timings, with its approvals, deliveries, KRI events and artifacts. A run not yet picked up by a runner answers as `queued`.',
    answers: { 200: { description: 'The run', schema: 'RunView' } },
  },
  'POST /api/runs/:runId/cancel': {
    summary: 'Cancel a run',
    description: 'Open approvals are cancelled, timers dropped, steps in flight marked cancelled.',
    body: reasonBody,
    answers: { 200: { description: 'The cancelled run', schema: 'RunView' } },
    errors: [409],
  },
  'GET /api/runs/:runId/events': {
    summary: 'Follow a run',
    description:
      'Server-sent events: one `progress` event per applied event of the run (its `id` is the sequence number; `Last-Event-ID` resumes after it), then `end` with the finished run.',
    headers: { 'Last-Event-ID': { description: 'Resume after this sequence number' } },
    answers: { 200: { description: 'The event stream', type: 'text/event-stream' } },
  },
  'GET /api/runs/:runId/artifacts': {
    summary: 'List a run’s artifacts',
    description: 'The files its `document` steps produced.',
    answers: { 200: { description: 'The artifacts', schema: 'ArtifactList' } },
  },
  'GET /api/runs/:runId/artifacts/:name': {
    summary: 'Download an artifact',
    description: 'The bytes with their media type; HTML is served with `Content-Security-Policy: sandbox`.',
    params: {
      name: {
        description: 'The artifact’s file name',
        schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,100}\\.(md|html|pdf)$' },
      },
    },
    headers: { 'If-None-Match': { description: 'The ETag of a copy already held: 304 when unchanged' } },
    answers: {
      200: {
        description: 'The file (Markdown, HTML or PDF)',
        type: 'application/octet-stream',
        headers: { ETag: 'The SHA-256 of the bytes, quoted' },
      },
      304: { description: 'Unchanged since the If-None-Match ETag' },
    },
  },
  'GET /api/runs/:runId/evidence': {
    summary: 'The run’s evidence pack',
    description:
      'Hash-chained entries (workflow version, trigger, path, steps, approvals, deliveries) and a JWS over the chain’s head, signed with the tenant’s key. 503 when the gateway has no evidence seed.',
    answers: { 200: { description: 'The signed pack', schema: 'EvidencePack' } },
    errors: [503],
  },
  'GET /api/runs/:runId/evidence/summary.pdf': {
    summary: 'The evidence pack as a PDF summary',
    answers: {
      200: {
        description: 'One page per run: status, chain head, key id, one line per entry',
        type: 'application/pdf',
        headers: { 'X-Evidence-Head': 'The hash of the pack’s last entry' },
      },
    },
    errors: [503],
  },
  'GET /api/evidence/public-key': {
    summary: 'The tenant’s evidence verification key',
    description: 'An Ed25519 public JWK; its `kid` is the key’s thumbprint.',
    answers: { 200: { description: 'The key', type: 'application/jwk+json', schema: { type: 'object' } } },
    errors: [503],
  },
};

const approval = { id: uuid('The approval') };

const approvals: OperationDocs = {
  'GET /api/approvals': {
    summary: 'The approvals inbox',
    description:
      '`scope=mine` (default): what the caller may decide now, never their own requests; `scope=all`: every approval of the tenant.',
    query: ApprovalQuery,
    answers: { 200: { description: 'A page of approvals', schema: 'ApprovalPage' } },
  },
  'GET /api/approvals/:id': {
    summary: 'Get an approval',
    params: approval,
    answers: {
      200: { description: 'Approvers, order, mode, requesters, due time, decisions', schema: 'ApprovalView' },
    },
  },
  'POST /api/approvals/:id/decisions': {
    summary: 'Decide an approval',
    description:
      'Approve or reject. Refused (403) to someone who is not an approver at this stage, to a requester, and to someone who already decided; 409 once the approval is settled.',
    params: approval,
    body: { schema: 'DecisionBody' },
    answers: {
      201: {
        description: 'The recorded decision and the approval after it',
        schema: 'DecisionRecorded',
        headers: { Location: 'The approval’s URL' },
      },
    },
  },
};

export const runDocs = mergeDocs(tagged('Runs', runs), tagged('Approvals', approvals));
