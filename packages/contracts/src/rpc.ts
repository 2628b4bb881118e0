/**
 * Request/reply between services: each method has a subject (`subjects.rpc(service, tenant, method)`), a
 * request schema and a response schema, declared once here. The tenant travels in the subject.
 */
import { z } from 'zod';
import { WorkflowDefinition } from './definition.ts';
import {
  ChangeLogView,
  DryRunReport,
  pageOf,
  RunView,
  VersionView,
  WorkflowStatus,
  WorkflowSummary,
  WorkflowView,
} from './views.ts';

export interface RpcMethod<Req extends z.ZodType, Res extends z.ZodType> {
  service: string;
  method: string;
  request: Req;
  response: Res;
}

/** Declare one request/reply method (each service area declares its own in its contracts file). */
export function rpc<Req extends z.ZodType, Res extends z.ZodType>(
  service: string,
  method: string,
  request: Req,
  response: Res,
): RpcMethod<Req, Res> {
  return { service, method, request, response };
}

/** The failure half of every reply. */
export const RpcError = z.object({
  code: z.string(),
  message: z.string(),
  status: z.int(),
  retryable: z.boolean(),
  path: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type RpcError = z.infer<typeof RpcError>;

export const RpcReply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: RpcError }),
]);
export type RpcReply = z.infer<typeof RpcReply>;

const WorkflowRef = z.object({ workflowId: z.uuid() });
const Actor = z.object({ actor: z.string() });

const Lifecycle = WorkflowRef.extend(Actor.shape).extend({ reason: z.string().max(2000).optional() });

export const rpcs = {
  createWorkflow: rpc('registry', 'create-workflow', Actor.extend({ definition: z.unknown() }), WorkflowView),
  updateWorkflow: rpc(
    'registry',
    'update-workflow',
    WorkflowRef.extend(Actor.shape).extend({
      definition: z.unknown(),
      reason: z.string().min(1).max(2000),
      /** The version the caller edited (If-Match); a newer one makes this a 412. */
      expectedVersion: z.int().optional(),
    }),
    WorkflowView,
  ),
  getWorkflow: rpc('registry', 'get-workflow', WorkflowRef, WorkflowView),
  listWorkflows: rpc(
    'registry',
    'list-workflows',
    z.object({
      name: z.string().max(200).optional(),
      status: WorkflowStatus.optional(),
      tag: z.string().max(64).optional(),
      cursor: z.string().max(200).optional(),
      limit: z.int().min(1).max(200).default(50),
    }),
    pageOf(WorkflowSummary),
  ),
  listVersions: rpc('registry', 'list-versions', WorkflowRef, z.object({ items: z.array(VersionView) })),
  getVersion: rpc(
    'registry',
    'get-version',
    WorkflowRef.extend({ version: z.int().positive() }),
    VersionView,
  ),
  getChangeLog: rpc('registry', 'get-change-log', WorkflowRef, z.object({ items: z.array(ChangeLogView) })),
  activateWorkflow: rpc('registry', 'activate-workflow', Lifecycle, WorkflowView),
  pauseWorkflow: rpc('registry', 'pause-workflow', Lifecycle, WorkflowView),
  archiveWorkflow: rpc('registry', 'archive-workflow', Lifecycle, WorkflowView),
  dryRun: rpc(
    'registry',
    'dry-run',
    z.object({
      /** A stored workflow (its active version, else its latest, unless `version` is given)... */
      workflowId: z.uuid().optional(),
      version: z.int().positive().optional(),
      /** ...or a definition posted inline. */
      definition: z.unknown().optional(),
      payload: z.record(z.string(), z.unknown()).default({}),
      /** Outputs to assume for steps, by id (a dry run calls nothing). */
      outputs: z.record(z.string(), z.unknown()).default({}),
    }),
    DryRunReport,
  ),
  getActiveVersion: rpc(
    'registry',
    'get-active-version',
    WorkflowRef,
    z.object({ workflowId: z.uuid(), version: z.int(), definition: WorkflowDefinition }),
  ),
  startManualRun: rpc(
    'trigger-router',
    'start-manual-run',
    WorkflowRef.extend({
      requestId: z.string().min(1).max(200),
      actor: z.string(),
      payload: z.record(z.string(), z.unknown()),
    }),
    z.object({ runId: z.uuid(), workflowId: z.uuid(), version: z.int(), created: z.boolean() }),
  ),
  getTriggeredRun: rpc(
    'trigger-router',
    'get-triggered-run',
    z.object({ runId: z.uuid() }),
    z.object({ runId: z.uuid(), workflowId: z.uuid(), version: z.int(), createdAt: z.string() }),
  ),
  getRun: rpc('runner', 'get-run', z.object({ runId: z.uuid() }), RunView),
} as const;
