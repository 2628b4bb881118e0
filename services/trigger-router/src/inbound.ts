/**
 * KRI breaches and recoveries from the risk engine (`kri.breach.<tenant>.<kri>`) and other systems' events
 * (`event.<tenant>.<type>`). Each is validated (known tenant, known KRI, well-formed data; otherwise it is
 * dead-lettered with the reason), matched against the index of active workflows, and accepted once per
 * source event id: one run per matching workflow, and one `run.signal` for waiting runs.
 */
import { request, type BusConnection } from '@riskloop/bus';
import {
  ExternalEventData,
  ExternalEventType,
  KriThreshold,
  kriEventTypes,
  triggerRpcs,
  type CloudEvent,
} from '@riskloop/contracts';
import { isRiskloopError, RiskloopError } from '@riskloop/kit';
import type { z } from 'zod';
import { isBreachOf, isEventOf, startsRun } from './matching.ts';
import type { TriggerRouter } from './triggers.ts';
import type { WorkflowIndex } from './workflow-index.ts';

export interface InboundOptions {
  bus: BusConnection;
  router: TriggerRouter;
  index: WorkflowIndex;
  now: () => Date;
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function createInbound(options: InboundOptions) {
  const { bus, router, index } = options;
  const knownTenants = new Map<string, number>();

  /** Poison unless the gateway knows the tenant (positive answers cached for a minute). */
  const checkTenant = async (tenant: string) => {
    if ((knownTenants.get(tenant) ?? 0) > Date.now()) return;
    try {
      await request(bus, triggerRpcs.getTenant, tenant, {});
    } catch (error) {
      if (isRiskloopError(error) && error.code === 'not_found')
        throw RiskloopError.poison(`unknown tenant ${tenant}`);
      throw error;
    }
    knownTenants.set(tenant, Date.now() + 60_000);
  };

  // Positive answers only, for a few seconds: a burst of breaches of one KRI asks the registry once.
  const knownKris = new Map<string, number>();
  const checkKri = async (tenant: string, kri: string) => {
    const key = `${tenant}\u0000${kri}`;
    if ((knownKris.get(key) ?? 0) > Date.now()) return;
    try {
      await request(bus, triggerRpcs.getKri, tenant, { kriId: kri });
    } catch (error) {
      if (isRiskloopError(error) && error.code === 'not_found')
        throw RiskloopError.poison(`unknown KRI ${kri} for tenant ${tenant}`);
      throw error;
    }
    if (knownKris.size > 10_000) knownKris.clear();
    knownKris.set(key, Date.now() + 5_000);
  };

  const accept = async (
    tenant: string,
    event: CloudEvent,
    kind: 'kri_breach' | 'event',
    payload: Record<string, unknown>,
    starts: boolean,
    select: Parameters<WorkflowIndex['find']>[1],
  ) => {
    const now = options.now();
    const runs = starts
      ? index.find(tenant, select).filter((w) =>
          startsRun(w.definition, select, payload, {
            tenant,
            workflowId: w.workflowId,
            version: w.version,
            now,
          }),
        )
      : [];
    await router.acceptEvent(
      tenant,
      { sourceId: event.id, kind, signal: { eventType: event.type, sourceId: event.id, data: payload } },
      { type: kind, sourceId: `${kind}:${event.id}`, payload, actor: event.source },
      runs.map((w) => ({ workflowId: w.workflowId, version: w.version, definition: w.definition })),
    );
  };

  return {
    /** A `kri.threshold.breached` or `.recovered` on `kri.breach.<tenant>.<kri>`. */
    async breach(event: CloudEvent, subject: string): Promise<void> {
      const [, , tenant = '', kri = ''] = subject.split('.');
      if (event.type !== kriEventTypes.breached && event.type !== kriEventTypes.recovered)
        throw RiskloopError.poison(
          `type ${event.type} is not ${kriEventTypes.breached} or ${kriEventTypes.recovered}`,
        );
      const data = KriThreshold.safeParse(event.data);
      if (!data.success) throw RiskloopError.poison(`malformed ${event.type}: ${issues(data.error)}`);
      if (data.data.kri !== kri)
        throw RiskloopError.poison(`data.kri ${data.data.kri} does not match subject ${subject}`);
      await checkTenant(tenant);
      await checkKri(tenant, kri);
      await accept(
        tenant,
        event,
        'kri_breach',
        data.data,
        event.type === kriEventTypes.breached,
        isBreachOf(kri),
      );
    },

    /** Another system's event on `event.<tenant>.<type>`. */
    async external(event: CloudEvent, subject: string): Promise<void> {
      const [, tenant = '', ...rest] = subject.split('.');
      const type = rest.join('.');
      if (!ExternalEventType.safeParse(event.type).success || event.type !== type)
        throw RiskloopError.poison(`type ${event.type} does not match subject ${subject}`);
      const data = ExternalEventData.safeParse(event.data);
      if (!data.success) throw RiskloopError.poison(`malformed ${event.type}: data must be a JSON object`);
      await checkTenant(tenant);
      await accept(tenant, event, 'event', data.data, true, isEventOf(type));
    },
  };
}
