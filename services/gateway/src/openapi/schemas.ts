/**
 * The OpenAPI document's named schemas: the contracts' zod schemas as JSON Schema 2020-12 (zod 4's
 * `z.toJSONSchema`), each under `#/components/schemas/<name>`. A schema nested in another named one becomes a
 * `$ref` to it, so the definition language appears once per direction instead of in every view.
 * Answers are converted as zod outputs (defaults filled in), bodies as inputs (defaults optional); a schema
 * used in both directions with different shapes has an `...Input` twin.
 */
import {
  ApiKeyView,
  ApprovalView,
  artifactRpcs,
  CreateApiKeyBody,
  CreatePreviewLinkBody,
  DecisionBody,
  DestinationTestResult,
  DryRunReport,
  EvidencePack,
  InterviewMessageBody,
  InterviewReply,
  InterviewSettings,
  InterviewSettingsBody,
  InterviewView,
  KriBody,
  KriDefinitionBody,
  KriDefinitionView,
  KriView,
  OidcConfigBody,
  OidcConfigView,
  PreviewLinkView,
  Problem,
  RelayConfigBody,
  RelayConfigView,
  RemediationActionBody,
  RemediationActionView,
  remediationRpcs,
  rpcs,
  RunAccepted,
  RunRequestBody,
  runnerRpcs,
  RunView,
  StartInterviewBody,
  Step,
  TenantSettings,
  TranscriptView,
  triggerRpcs,
  VersionView,
  WorkflowDefinition,
  WorkflowView,
} from '@riskloop/contracts';
import { z } from 'zod';

const items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** What routes answer with. The `.extend`s add exactly what the handler adds to the RPC's answer. */
const answers = {
  Problem,
  Step,
  WorkflowDefinition,
  WorkflowView,
  WorkflowSummaryPage: rpcs.listWorkflows.response,
  VersionView,
  VersionList: rpcs.listVersions.response,
  ChangeLog: rpcs.getChangeLog.response,
  DryRunReport,
  RunAccepted,
  RunView,
  RunSummaryPage: runnerRpcs.listRuns.response,
  ApprovalView,
  ApprovalPage: runnerRpcs.listApprovals.response,
  DecisionRecorded: runnerRpcs.decideApproval.response,
  ApiKeyView,
  ApiKeyList: items(ApiKeyView),
  ApiKeyCreated: ApiKeyView.extend({ apiKey: z.string() }),
  InterviewView,
  InterviewReply,
  TranscriptView,
  InterviewSettings,
  KriView,
  KriList: triggerRpcs.listKris.response,
  KriDefinitionView,
  KriDefinitionList: triggerRpcs.listKriDefinitions.response,
  KriDefinitionChangeLog: triggerRpcs.getKriDefinitionChangeLog.response,
  WebhookSecretCreated: triggerRpcs.rotateWebhookSecret.response.extend({ url: z.string() }),
  WebhookAnswer: triggerRpcs.receiveWebhook.response,
  TriggerStats: triggerRpcs.triggerStats.response,
  RelayConfigView,
  DestinationTestResult,
  RemediationActionView,
  RemediationActionList: remediationRpcs.listRemediationActions.response,
  ArtifactList: artifactRpcs.listArtifacts.response,
  EvidencePack,
  TenantSettings,
  OidcConfigView,
  PreviewLinkView,
  PreviewLinkList: items(PreviewLinkView),
  PreviewLinkCreated: PreviewLinkView.extend({ url: z.string(), token: z.string() }),
};

/** What routes accept. `TenantSettings` reads and writes alike, so bodies use the answer's schema. */
const bodies = {
  StepInput: Step,
  WorkflowDefinitionInput: WorkflowDefinition,
  DryRunBody: rpcs.dryRun.request.pick({ definition: true, payload: true, outputs: true }),
  StoredDryRunBody: rpcs.dryRun.request.pick({ version: true, payload: true, outputs: true }),
  RunRequestBody,
  DecisionBody,
  CreateApiKeyBody,
  StartInterviewBody,
  InterviewMessageBody,
  InterviewSettingsBody,
  KriBody,
  // The handler takes `reason` out of the body before checking the rest.
  KriDefinitionBody: KriDefinitionBody.extend({ reason: z.string().max(2000).optional() }),
  RelayConfigBody,
  RemediationActionBody,
  OidcConfigBody,
  CreatePreviewLinkBody,
};

export type SchemaName = keyof typeof answers | keyof typeof bodies;

export const schemaRef = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });

type Named = Record<string, z.ZodType>;

/** One direction's schemas through one registry, so that each refers to the others by name. */
function convert(named: Named, io: 'input' | 'output'): Record<string, Record<string, unknown>> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    unrepresentable: 'any',
    cycles: 'ref',
    uri: (id) => `#/components/schemas/${id}`,
  });
  const out: Record<string, Record<string, unknown>> = {};
  // `$id` would be a fragment (not allowed) and `$schema` is the document's dialect already.
  for (const [id, { $id: _id, $schema: _schema, ...schema }] of Object.entries(schemas)) out[id] = schema;
  return out;
}

let cached: Record<string, Record<string, unknown>> | undefined;

/** Every named schema, for `components.schemas`. */
export function componentSchemas(): Record<string, Record<string, unknown>> {
  cached ??= { ...convert(answers, 'output'), ...convert(bodies, 'input') };
  return cached;
}
