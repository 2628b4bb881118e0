/** Start the registry on a booted runtime: its RPC methods and its outbox reconciler. */
import { serve } from '@riskloop/bus';
import { rpcs } from '@riskloop/contracts';
import { createOutbox } from '@riskloop/db';
import { bootService, type RuntimeWithDb, type SharedProcess } from '@riskloop/runtime';
import { database } from './db/index.ts';
import type { Env } from './env.ts';
import { createRegistry } from './registry.ts';

export function startRegistry(runtime: RuntimeWithDb): void {
  const { orm, bus, log, lifecycle } = runtime;
  const outbox = createOutbox({ orm, schema: 'registry', bus, log });
  const registry = createRegistry({ orm, outbox });
  const servers = [
    serve(bus, rpcs.createWorkflow, (body, { tenant }) =>
      registry.create(tenant, body.actor, body.definition),
    ),
    serve(bus, rpcs.getWorkflow, (body, { tenant }) => registry.get(tenant, body.workflowId)),
    serve(bus, rpcs.activateWorkflow, (body, { tenant }) =>
      registry.activate(tenant, body.workflowId, body.actor),
    ),
    serve(bus, rpcs.getActiveVersion, (body, { tenant }) => registry.activeVersion(tenant, body.workflowId)),
  ];
  const stopReconciler = outbox.startReconciler();
  lifecycle.onShutdown('registry: work', async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await stopReconciler();
  });
}

/** Boot this service, start its work and report ready. `shared` is set when several services share a process. */
export async function launch(env: Env, shared: SharedProcess = {}): Promise<void> {
  const runtime = await bootService({ service: 'registry', env, db: database, ...shared });
  startRegistry(runtime);
  runtime.ready();
}
