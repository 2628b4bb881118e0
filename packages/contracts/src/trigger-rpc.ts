/**
 * Request/reply methods of the triggers and KRI loop (registry KRI catalogue and definitions, trigger-router
 * webhooks and stats, kri-emitter audit, gateway tenant lookup). Same shape as `rpcs` in `rpc.ts`.
 */
import { z } from 'zod';
import { WorkflowDefinition } from './definition.ts';
import { KriDefinitionChange, KriDefinitionView, KriEventRecord, KriView } from './kri.ts';
import type { RpcMethod } from './rpc.ts';

function rpc<Req extends z.ZodType, Res extends z.ZodType>(
  service: string,
  method: string,
  request: Req,
  response: Res,
): RpcMethod<Req, Res> {
  return { service, method, request, response };
}

const Items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
const Actor = z.object({ actor: z.string() });

/** The tenant token for RPCs that span every tenant (internal: the trigger-router's index). */
export const allTenants = '_all';

export const ActiveWorkflow = z.object({
  tenantId: z.string(),
  workflowId: z.uuid(),
  version: z.int(),
  definition: WorkflowDefinition,
});
export type ActiveWorkflow = z.infer<typeof ActiveWorkflow>;

export const triggerRpcs = {
  /** Every active workflow version of every tenant, a page at a time (call with tenant `allTenants`). */
  listActiveWorkflows: rpc(
    'registry',
    'list-active-workflows',
    z.object({ after: z.uuid().optional(), limit: z.int().min(1).max(500).default(200) }),
    Items(ActiveWorkflow),
  ),
  putKri: rpc('registry', 'put-kri', Actor.extend({ kriId: z.string(), body: z.unknown() }), KriView),
  getKri: rpc('registry', 'get-kri', z.object({ kriId: z.string() }), KriView),
  listKris: rpc('registry', 'list-kris', z.object({}), Items(KriView)),
  putKriDefinition: rpc(
    'registry',
    'put-kri-definition',
    Actor.extend({ definitionId: z.string(), body: z.unknown(), reason: z.string().max(2000).optional() }),
    KriDefinitionView.extend({ changed: z.boolean() }),
  ),
  getKriDefinition: rpc(
    'registry',
    'get-kri-definition',
    z.object({ definitionId: z.string() }),
    KriDefinitionView,
  ),
  listKriDefinitions: rpc(
    'registry',
    'list-kri-definitions',
    /** `source`: `emit` for definitions that apply to `emit_kri` steps, `result` for result mappings. */
    z.object({ event: z.string().optional(), source: z.enum(['emit', 'result']).optional() }),
    Items(KriDefinitionView),
  ),
  getKriDefinitionChangeLog: rpc(
    'registry',
    'get-kri-definition-change-log',
    z.object({ definitionId: z.string() }),
    Items(KriDefinitionChange),
  ),
  /** The tenant behind a subject (unknown tenants are 404). */
  getTenant: rpc('gateway', 'get-tenant', z.object({}), z.object({ tenantId: z.string(), name: z.string() })),
  /** A new webhook secret for a workflow (replacing any previous one), shown once. */
  rotateWebhookSecret: rpc(
    'trigger-router',
    'rotate-webhook-secret',
    Actor.extend({ workflowId: z.uuid() }),
    z.object({ workflowId: z.uuid(), secret: z.string(), createdAt: z.string() }),
  ),
  /** An inbound webhook request, as received (raw body, lowercase header names). */
  receiveWebhook: rpc(
    'trigger-router',
    'receive-webhook',
    z.object({ workflowId: z.uuid(), headers: z.record(z.string(), z.string()), body: z.string() }),
    z.object({ started: z.boolean(), runId: z.uuid().optional(), reason: z.string().optional() }),
  ),
  /** Dead-lettered inbound messages (breaches and events), by kind: the metrics until Prometheus arrives. */
  triggerStats: rpc(
    'trigger-router',
    'trigger-stats',
    z.object({}),
    z.object({
      deadLettered: z.record(z.string(), z.int()),
      received: z.record(z.string(), z.int()),
      /** The tenant's active workflows in the answering copy's trigger index. */
      activeWorkflows: z.int(),
    }),
  ),
  /** The KRI updates a run's steps produced. */
  listRunKriEvents: rpc(
    'kri-emitter',
    'list-run-kri-events',
    z.object({ runId: z.uuid() }),
    Items(KriEventRecord),
  ),
  /** Re-wrap the sealed webhook secrets' data keys with the current master key (tenant `allTenants`). */
  rotateKeys: rpc(
    'trigger-router',
    'rotate-keys',
    z.object({}),
    z.object({ rewrapped: z.int(), current: z.string() }),
  ),
} as const;
