export { subjects } from './subjects.ts';
export { CloudEvent, cloudEvent, cloudEventOf } from './cloud-event.ts';
export type { CloudEventInit } from './cloud-event.ts';
export {
  Duration,
  durationMs,
  StepId,
  RetryPolicy,
  ManualTrigger,
  Trigger,
  WebhookStep,
  Step,
  WorkflowDefinition,
} from './definition.ts';
export type { StepKind, WorkflowDefinitionInput } from './definition.ts';
export {
  eventTypes,
  TriggerInfo,
  RunStart,
  StepExec,
  StepSucceeded,
  StepFailed,
  StepError,
  WorkflowActivated,
  DeadLetter,
  RunnerInbound,
  StepCommand,
} from './messages.ts';
export { WorkflowStatus, WorkflowView, RunStatus, StepStatus, StepRecord, RunView } from './views.ts';
export { rpcs, RpcError, RpcReply } from './rpc.ts';
export type { RpcMethod } from './rpc.ts';
export { streams } from './streams.ts';
export type { StreamSpec } from './streams.ts';
export { RunRequestBody, RunAccepted, Problem } from './api.ts';
export { formatPath, fieldErrors } from './issues.ts';
export type { FieldError } from './issues.ts';
