/** Start the registry on a booted runtime: its RPC methods and its outbox reconciler. */
import { announceChange, serve } from '@riskloop/bus';
import { interviewRpcs, rpcs, subjects, tenantSettingsRpcs, triggerRpcs } from '@riskloop/contracts';
import { createOutbox } from '@riskloop/db';
import { dryRun } from '@riskloop/definitions';
import { bootService, type RuntimeWithDb, type SharedProcess } from '@riskloop/runtime';
import { database } from './db/index.ts';
import type { Env } from './env.ts';
import { createTenantPolicies } from './change-approval.ts';
import { createKriCatalogue } from './kri.ts';
import { createRemediationCheck } from './remediation-check.ts';
import { createRegistry, parseDefinition } from './workflows.ts';

export function startRegistry(runtime: RuntimeWithDb): void {
  const { orm, bus, log, lifecycle } = runtime;
  const outbox = createOutbox({ orm, schema: 'registry', bus, log });
  const registry = createRegistry({ orm, outbox, check: createRemediationCheck(bus) });
  const kris = createKriCatalogue(orm);
  const policies = createTenantPolicies(orm);
  const servers = [
    serve(bus, tenantSettingsRpcs.getTenantSettings, (_b, { tenant }) => policies.get(tenant)),
    serve(bus, tenantSettingsRpcs.putTenantSettings, (b, { tenant }) =>
      policies.put(tenant, b.actor, b.settings),
    ),
    serve(bus, triggerRpcs.listActiveWorkflows, (b) => registry.listActive(b.after, b.limit)),
    serve(bus, triggerRpcs.putKri, (b, { tenant }) => kris.putKri(tenant, b.kriId, b.body)),
    serve(bus, triggerRpcs.getKri, (b, { tenant }) => kris.getKri(tenant, b.kriId)),
    serve(bus, triggerRpcs.listKris, (_b, { tenant }) => kris.listKris(tenant)),
    serve(bus, triggerRpcs.putKriDefinition, async (b, { tenant }) => {
      const saved = await kris.putDefinition(tenant, b.definitionId, b.actor, b.body, b.reason);
      // the kri-emitter's cached definitions of this tenant are stale now
      if (saved.changed) announceChange(bus, subjects.kriDefinitionsChanged(tenant));
      return saved;
    }),
    serve(bus, triggerRpcs.getKriDefinition, (b, { tenant }) => kris.getDefinition(tenant, b.definitionId)),
    serve(bus, triggerRpcs.listKriDefinitions, (b, { tenant }) =>
      kris.listDefinitions(tenant, b.event, b.source),
    ),
    serve(bus, triggerRpcs.getKriDefinitionChangeLog, (b, { tenant }) =>
      kris.changeLog(tenant, b.definitionId),
    ),
    serve(bus, rpcs.createWorkflow, (b, { tenant }) => registry.create(tenant, b.actor, b.definition)),
    serve(bus, rpcs.updateWorkflow, (b, { tenant }) =>
      registry.update(tenant, b.workflowId, b.actor, b.definition, b.reason, b.expectedVersion),
    ),
    serve(bus, interviewRpcs.createWorkflowFromInterview, (b, { tenant }) =>
      registry.create(tenant, b.actor, b.definition, b.provenance),
    ),
    serve(bus, interviewRpcs.reviseWorkflowFromInterview, (b, { tenant }) =>
      registry.update(tenant, b.workflowId, b.actor, b.definition, b.reason, undefined, b.provenance),
    ),
    serve(bus, rpcs.getWorkflow, (b, { tenant }) => registry.get(tenant, b.workflowId)),
    serve(bus, rpcs.listWorkflows, (b, { tenant }) => registry.list(tenant, b)),
    serve(bus, rpcs.listVersions, (b, { tenant }) => registry.versions(tenant, b.workflowId)),
    serve(bus, rpcs.getVersion, (b, { tenant }) => registry.version(tenant, b.workflowId, b.version)),
    serve(bus, rpcs.getChangeLog, (b, { tenant }) => registry.changeLog(tenant, b.workflowId)),
    serve(bus, rpcs.activateWorkflow, (b, { tenant }) =>
      registry.transition(tenant, b.workflowId, b.actor, 'activate', b.reason),
    ),
    serve(bus, rpcs.pauseWorkflow, (b, { tenant }) =>
      registry.transition(tenant, b.workflowId, b.actor, 'pause', b.reason),
    ),
    serve(bus, rpcs.archiveWorkflow, (b, { tenant }) =>
      registry.transition(tenant, b.workflowId, b.actor, 'archive', b.reason),
    ),
    serve(bus, rpcs.getActiveVersion, (b, { tenant }) => registry.activeVersion(tenant, b.workflowId)),
    serve(bus, rpcs.dryRun, async (b, { tenant }) => {
      const definition = b.workflowId
        ? await registry.storedDefinition(tenant, b.workflowId, b.version)
        : parseDefinition(b.definition);
      return dryRun(definition, {
        payload: b.payload,
        outputs: b.outputs,
        tenant,
        ...(b.workflowId ? { workflowId: b.workflowId } : {}),
      });
    }),
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
