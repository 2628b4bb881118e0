/** OpenAPI descriptions of authoring aids: interviews and their model, KRIs, KRI event definitions, remediation actions. */
import { mergeDocs, reasonBody, tagged, uuid, type OperationDocs, type ParamDoc } from './operation.ts';

const interview = { id: uuid('The interview') };

const interviews: OperationDocs = {
  'POST /api/workflow-interviews': {
    summary: 'Start an interview',
    description:
      'Author a workflow in a conversation; with `workflowId` the interview edits that workflow, starting from its latest version.',
    body: { schema: 'StartInterviewBody', required: false },
    answers: {
      201: {
        description: 'The interview',
        schema: 'InterviewView',
        headers: { Location: 'The interview’s URL' },
      },
    },
  },
  'GET /api/workflow-interviews/:id': {
    summary: 'Get an interview',
    description:
      'The transcript, the draft, whether it is valid, what is still missing, and a plain summary.',
    params: interview,
    answers: { 200: { description: 'The interview', schema: 'InterviewView' } },
  },
  'POST /api/workflow-interviews/:id/messages': {
    summary: 'Say something',
    description:
      'The reply streams as server-sent events (`delta` pieces, `reset` when a refused answer is asked again, then `reply` with `{ reply, interview }`, or `error`); `Accept: application/json` gets `{ reply, interview }` as one answer.',
    params: interview,
    body: { schema: 'InterviewMessageBody' },
    answers: {
      200: {
        description: 'The reply: an event stream, or JSON when only JSON is accepted',
        type: 'text/event-stream',
      },
    },
    errors: [409],
  },
  'POST /api/workflow-interviews/:id/confirm': {
    summary: 'Save the draft',
    description:
      'Only a complete, valid draft (else 422 naming each path). A new workflow is a draft at version 1; an edited one gets a new version; the transcript is archived and its hash recorded on the version.',
    params: interview,
    answers: { 200: { description: 'The confirmed interview with its result', schema: 'InterviewView' } },
  },
  'POST /api/workflow-interviews/:id/abandon': {
    summary: 'Abandon an interview',
    params: interview,
    body: reasonBody,
    answers: { 200: { description: 'The closed interview', schema: 'InterviewView' } },
  },
  'GET /api/workflow-interviews/:id/transcript': {
    summary: 'The archived transcript',
    description:
      'For auditors: the turns, their hash, whether it still verifies, and the version it produced.',
    params: interview,
    answers: { 200: { description: 'The transcript', schema: 'TranscriptView' } },
  },
  'GET /api/interview-settings': {
    summary: 'The tenant’s interview model',
    answers: { 200: { description: 'The model and the deployment default', schema: 'InterviewSettings' } },
  },
  'PUT /api/interview-settings': {
    summary: 'Choose the tenant’s interview model',
    description: '`null` goes back to the deployment default.',
    body: { schema: 'InterviewSettingsBody' },
    answers: { 200: { description: 'The settings', schema: 'InterviewSettings' } },
  },
};

const kri: ParamDoc = {
  description: 'The KRI id',
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
};
const definition: ParamDoc = {
  description: 'The definition id',
  schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,99}$' },
};

const kris: OperationDocs = {
  'GET /api/kris': {
    summary: 'The KRI catalogue',
    answers: { 200: { description: 'The tenant’s KRIs', schema: 'KriList' } },
  },
  'GET /api/kris/:id': {
    summary: 'Get a KRI',
    params: { id: kri },
    answers: { 200: { description: 'The KRI', schema: 'KriView' } },
  },
  'PUT /api/kris/:id': {
    summary: 'Create or change a KRI',
    params: { id: kri },
    body: { schema: 'KriBody' },
    answers: { 200: { description: 'The KRI', schema: 'KriView' } },
  },
  'GET /api/workflow-kri-definitions': {
    summary: 'List KRI event definitions',
    query: { event: { description: 'Only definitions of this emitted event' } },
    answers: { 200: { description: 'The definitions', schema: 'KriDefinitionList' } },
  },
  'GET /api/workflow-kri-definitions/:id': {
    summary: 'Get a KRI event definition',
    params: { id: definition },
    answers: {
      200: {
        description: 'The latest version',
        schema: 'KriDefinitionView',
        headers: { ETag: 'Its version, quoted' },
      },
    },
  },
  'GET /api/workflow-kri-definitions/:id/change-log': {
    summary: 'A KRI event definition’s versions',
    description: 'Every version with actor, reason and diff.',
    params: { id: definition },
    answers: { 200: { description: 'The changes', schema: 'KriDefinitionChangeLog' } },
  },
  'PUT /api/workflow-kri-definitions/:id': {
    summary: 'Create or change a KRI event definition',
    description:
      'When a step emits `event` (or, with `from_result`, a step result matches), apply `effect` to `kri` by `amount`. An unchanged body keeps the version.',
    params: { id: definition },
    query: { reason: { description: 'Why (also accepted as `reason` in the body)' } },
    body: { schema: 'KriDefinitionBody' },
    answers: {
      201: { description: 'Version 1', schema: 'KriDefinitionView' },
      200: {
        description: 'A new version, or the same one when nothing changed',
        schema: 'KriDefinitionView',
      },
    },
  },
  'GET /api/trigger-stats': {
    summary: 'Trigger statistics',
    description:
      'Accepted events by kind, dead-lettered breaches and events, active workflows in the trigger index.',
    answers: { 200: { description: 'The counts', schema: 'TriggerStats' } },
  },
};

const action: ParamDoc = {
  description: 'The action’s name (lower_snake_case)',
  schema: { type: 'string', pattern: '^[a-z0-9_]{1,100}$' },
};

const remediation: OperationDocs = {
  'GET /api/remediation-actions': {
    summary: 'List remediation actions',
    answers: { 200: { description: 'The tenant’s actions', schema: 'RemediationActionList' } },
  },
  'GET /api/remediation-actions/:name': {
    summary: 'Get a remediation action',
    params: { name: action },
    answers: {
      200: {
        description: 'The action',
        schema: 'RemediationActionView',
        headers: { ETag: 'Its version, quoted' },
      },
    },
  },
  'PUT /api/remediation-actions/:name': {
    summary: 'Register or change a remediation action',
    description:
      'A tenant’s own HTTPS endpoint behind a `webhook` destination of the relay config, with the JSON Schema its parameters must match.',
    params: { name: action },
    body: { schema: 'RemediationActionBody' },
    answers: {
      201: { description: 'Registered (version 1)', schema: 'RemediationActionView' },
      200: { description: 'Changed', schema: 'RemediationActionView' },
    },
  },
  'DELETE /api/remediation-actions/:name': {
    summary: 'Remove a remediation action',
    params: { name: action },
    answers: { 204: { description: 'Removed' } },
  },
};

export const authoringDocs = mergeDocs(
  tagged('Interviews', interviews),
  tagged('KRIs', kris),
  tagged('Remediation actions', remediation),
);
