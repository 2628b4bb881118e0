/**
 * Request/reply between services: each method has a subject (`subjects.rpc(service, tenant, method)`), a
 * request schema and a response schema, declared once here. The tenant travels in the subject.
 */
import { z } from 'zod';
import { WorkflowDefinition } from './definition.ts';
import { RunView, WorkflowView } from './views.ts';

export interface RpcMethod<Req extends z.ZodType, Res extends z.ZodType> {
  service: string;
  method: string;
  request: Req;
  response: Res;
}

function rpc<Req extends z.ZodType, Res extends z.ZodType>(
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

export const rpcs = {
  createWorkflow: rpc('registry', 'create-workflow', Actor.extend({ definition: z.unknown() }), WorkflowView),
  getWorkflow: rpc('registry', 'get-workflow', WorkflowRef, WorkflowView),
  activateWorkflow: rpc('registry', 'activate-workflow', WorkflowRef.extend(Actor.shape), WorkflowView),
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
