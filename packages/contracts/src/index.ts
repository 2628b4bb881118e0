export { subjects } from './subjects.ts';
export { CloudEvent, cloudEvent, cloudEventOf } from './cloud-event.ts';
export type { CloudEventInit } from './cloud-event.ts';
export { Duration, durationMs } from './duration.ts';
export {
  Expression,
  Trigger,
  KriBreachTrigger,
  EventTrigger,
  ScheduleTrigger,
  ManualTrigger,
  WebhookTrigger,
} from './triggers.ts';
export type { TriggerType } from './triggers.ts';
export { StepId, RetryPolicy, OnError, Step, WebhookStep, stepKinds, relayStepTypes } from './steps.ts';
export {
  NotifyStep,
  SlackStep,
  TeamsStep,
  EmailStep,
  JiraStep,
  ServiceNowStep,
  PagerDutyStep,
  QueryStep,
  DocumentStep,
  RemediationStep,
} from './steps.ts';
export type { StepKind, StepParams, BranchStep, ParallelStep } from './steps.ts';
export { EmittedEvent, WorkflowDefinition } from './definition.ts';
export type { WorkflowDefinitionInput } from './definition.ts';
export {
  eventTypes,
  TriggerInfo,
  RunStart,
  StepExec,
  StepSucceeded,
  StepFailed,
  StepError,
  WorkflowChanged,
  DeadLetter,
  RunnerInbound,
  StepCommand,
  RunSignal,
  RunFinished,
  RunFinishedEvent,
  PendingAudit,
} from './messages.ts';
export { stepExecutors, stepExecutorOf } from './step-executors.ts';
export type { StepExecutor } from './step-executors.ts';
export {
  WorkflowStatus,
  WorkflowView,
  WorkflowSummary,
  pageOf,
  VersionView,
  ChangeAction,
  ChangeLogView,
  DryRunReport,
  RunStatus,
  StepStatus,
  StepRecord,
  RunView,
} from './views.ts';
export { rpcs, RpcError, RpcReply } from './rpc.ts';
export type { RpcMethod } from './rpc.ts';
export { streams } from './streams.ts';
export type { StreamSpec } from './streams.ts';
export { RunRequestBody, RunAccepted, Problem } from './api.ts';
export { formatPath, fieldErrors } from './issues.ts';
export type { FieldError } from './issues.ts';
export { workflowDefinitionJsonSchema } from './json-schema.ts';
export {
  Approver,
  ApprovalStatus,
  ApprovalView,
  ApprovalQuery,
  Caller,
  DecisionBody,
  DecisionKind,
  DecisionView,
} from './approvals.ts';
export { TimerFired, RunSummary, RunQuery, RunHistoryEntry, runnerRpcs } from './runs.ts';
export { rpc } from './rpc.ts';
export { roles, Role, CreateApiKeyBody, ApiKeyView, OidcConfigBody, OidcConfigView } from './principals.ts';
export {
  InterviewStatus,
  InterviewMode,
  TranscriptTurn,
  InterviewGap,
  InterviewResult,
  InterviewView,
  StartInterviewBody,
  InterviewMessageBody,
  InterviewReply,
  InterviewStreamChunk,
  TranscriptView,
  InterviewSettings,
  InterviewSettingsBody,
  InterviewProvenance,
  DestinationRef,
  interviewRpcs,
} from './interview.ts';
export {
  kriEventTypes,
  KriId,
  KriThreshold,
  KriEffect,
  KriUpdate,
  KriBody,
  KriView,
  KriDefinitionId,
  KriDefinitionBody,
  KriDefinitionView,
  KriDefinitionChange,
  KriEventRecord,
  KriResultMapping,
  StepResult,
  EmitKriOutput,
} from './kri.ts';
export { ExternalEventType, ExternalEventData, webhookHeaders, webhookReplayWindowMs } from './inbound.ts';
export { triggerRpcs, allTenants, ActiveWorkflow } from './trigger-rpc.ts';
export {
  destinationTypes,
  DestinationType,
  DestinationName,
  DestinationConfig,
  DestinationView,
  DestinationTestResult,
  DeliveryView,
  maskedSecret,
  NotifyChannel,
  Recipient,
  RelayConfigBody,
  RelayConfigView,
  relayRpcs,
} from './relay.ts';
export type { RelayConfigInput } from './relay.ts';
export {
  queryFilterKeys,
  queryRpcs,
  KriEventQuery,
  QueriedKriEvent,
  QueryFilterValue,
  QueryOutput,
} from './query.ts';
export type { QuerySource } from './query.ts';
export { ArtifactName, ArtifactView, artifactRpcs } from './artifacts.ts';
export {
  RemediationActionBody,
  RemediationActionName,
  RemediationActionView,
  remediationRpcs,
} from './remediation.ts';
export type { RemediationActionInput } from './remediation.ts';
export { EvidenceEntry, EvidencePack, evidenceFormat } from './evidence.ts';
export { TenantSettings, tenantSettingsRpcs } from './tenant-settings.ts';
export { CreatePreviewLinkBody, PreviewLinkStatus, PreviewLinkView } from './preview.ts';
export type { PublicStep, PublicWorkflowView } from './preview.ts';
