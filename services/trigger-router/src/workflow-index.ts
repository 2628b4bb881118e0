/**
 * The active workflow versions of every tenant, in memory, for matching triggers without a database read.
 * Rebuilt in full from the registry at start (and every `refreshMs` as a safety net), and kept current by
 * following the registry's `workflow.*` events: each event re-reads that workflow's active version.
 */
import { DeliverPolicy } from '@nats-io/jetstream';
import { request, type BusConnection } from '@riskloop/bus';
import {
  allTenants,
  rpcs,
  streams,
  triggerRpcs,
  WorkflowChanged,
  type ActiveWorkflow,
  type Trigger,
} from '@riskloop/contracts';
import { isRiskloopError, startLoop, type Logger } from '@riskloop/kit';

export interface WorkflowIndex {
  /** Active workflows of `tenant` with a trigger accepted by `select`. */
  find(tenant: string, select: (t: Trigger) => boolean): ActiveWorkflow[];
  /** Every active workflow with a trigger accepted by `select`, all tenants. */
  all(select: (t: Trigger) => boolean): ActiveWorkflow[];
  rebuild(): Promise<void>;
  refresh(tenant: string, workflowId: string): Promise<void>;
}

export function createWorkflowIndex(bus: BusConnection): WorkflowIndex {
  let byTenant = new Map<string, Map<string, ActiveWorkflow>>();
  const put = (map: typeof byTenant, w: ActiveWorkflow) => {
    const tenant = map.get(w.tenantId) ?? new Map<string, ActiveWorkflow>();
    tenant.set(w.workflowId, w);
    map.set(w.tenantId, tenant);
  };
  const has = (select: (t: Trigger) => boolean) => (w: ActiveWorkflow) => w.definition.triggers.some(select);

  return {
    find: (tenant, select) => [...(byTenant.get(tenant)?.values() ?? [])].filter(has(select)),
    all: (select) => [...byTenant.values()].flatMap((m) => [...m.values()]).filter(has(select)),
    async rebuild() {
      const next = new Map<string, Map<string, ActiveWorkflow>>();
      let after: string | undefined;
      for (;;) {
        const page = await request(bus, triggerRpcs.listActiveWorkflows, allTenants, {
          ...(after ? { after } : {}),
          limit: 200,
        });
        for (const w of page.items) put(next, w);
        if (page.items.length < 200) break;
        after = page.items.at(-1)?.workflowId;
      }
      byTenant = next;
    },
    async refresh(tenant, workflowId) {
      try {
        const active = await request(bus, rpcs.getActiveVersion, tenant, { workflowId });
        put(byTenant, { tenantId: tenant, ...active });
      } catch (error) {
        if (!(isRiskloopError(error) && ['conflict', 'not_found'].includes(error.code))) throw error;
        byTenant.get(tenant)?.delete(workflowId);
      }
    },
  };
}

/**
 * Follow `workflow.*` events (every copy sees all of them: an ordered, ephemeral consumer), then rebuild;
 * rebuild again every `refreshMs`. Returns a stop function.
 */
export async function followRegistry(
  bus: BusConnection,
  index: WorkflowIndex,
  log: Logger,
  refreshMs: number,
): Promise<() => Promise<void>> {
  const consumer = await bus.js.consumers.get(bus.streamName(streams.workflows.name), {
    deliver_policy: DeliverPolicy.New,
  });
  const messages = await consumer.consume();
  const done = (async () => {
    for await (const msg of messages) {
      const tenant = bus.unprefix(msg.subject).split('.')[2];
      const parsed = WorkflowChanged.safeParse(msg.json<{ data?: unknown }>().data);
      if (!tenant || !parsed.success) continue;
      try {
        await index.refresh(tenant, parsed.data.workflowId);
      } catch (error) {
        log.warn({ err: error }, 'index refresh failed; the periodic rebuild will catch up');
      }
    }
  })();
  // The registry may be starting too: wait for it rather than fail the boot.
  for (let attempt = 1; ; attempt++) {
    try {
      await index.rebuild();
      break;
    } catch (error) {
      if (attempt >= 120) throw error;
      log.info({ err: error }, 'waiting for the registry to build the trigger index');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const stopLoop = startLoop({
    name: 'trigger index rebuild',
    everyMs: refreshMs,
    log,
    task: () => index.rebuild(),
  });
  return async () => {
    await stopLoop();
    await messages.close();
    await done;
  };
}
