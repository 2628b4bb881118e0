/** Start the trigger router on a booted runtime: manual runs over RPC, and the outbox reconciler. */
import { request, serve } from '@riskloop/bus';
import { rpcs } from '@riskloop/contracts';
import { createOutbox } from '@riskloop/db';
import { bootService, type RuntimeWithDb, type SharedProcess } from '@riskloop/runtime';
import { database } from './db/index.ts';
import type { Env } from './env.ts';
import { createTriggerRouter } from './triggers.ts';

export function startTriggerRouter(runtime: RuntimeWithDb): void {
  const { orm, bus, log, lifecycle } = runtime;
  const outbox = createOutbox({ orm, schema: 'trigger_router', bus, log });
  const router = createTriggerRouter({
    orm,
    outbox,
    registry: {
      activeVersion: (tenant, workflowId) => request(bus, rpcs.getActiveVersion, tenant, { workflowId }),
    },
  });
  const servers = [
    serve(bus, rpcs.startManualRun, (body, { tenant }) =>
      router.startRun(tenant, body.workflowId, {
        type: 'manual',
        sourceId: body.requestId,
        payload: body.payload,
        actor: body.actor,
      }),
    ),
    serve(bus, rpcs.getTriggeredRun, (body, { tenant }) => router.triggeredRun(tenant, body.runId)),
  ];
  const stopReconciler = outbox.startReconciler();
  lifecycle.onShutdown('trigger-router: work', async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await stopReconciler();
  });
}

/** Boot this service, start its work and report ready. `shared` is set when several services share a process. */
export async function launch(env: Env, shared: SharedProcess = {}): Promise<void> {
  const runtime = await bootService({ service: 'trigger-router', env, db: database, ...shared });
  startTriggerRouter(runtime);
  runtime.ready();
}
