/** Starting runs and reading them. */
import { request } from '@riskloop/bus';
import {
  artifactRpcs,
  relayRpcs,
  rpcs,
  RunQuery,
  runnerRpcs,
  triggerRpcs,
  type DeliveryView,
  type RunView,
} from '@riskloop/contracts';
import { isRiskloopError } from '@riskloop/kit';
import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import { readObject, readQuery, respond } from '../body.ts';
import { idParam, type GatewayEnv, type RouteDeps } from './context.ts';
import { streamRunEvents } from './run-events.ts';
import { anyone, operators, type RouteRoles } from '../access.ts';

/** Who may call each route below (mounted at `/api`). */
export const runAccess: RouteRoles = {
  'POST /workflows/:id/run': ['admin', 'author', 'operator'],
  'GET /runs/:runId': anyone,
  'POST /runs/:runId/cancel': operators,
  'GET /runs/:runId/events': anyone,
  'GET /workflows/:id/runs': anyone,
};

export function runRoutes({ bus }: RouteDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.post('/workflows/:id/run', async (c) => {
    const workflowId = idParam(c, 'id', 'workflow');
    const { tenantId, actor } = c.get('principal');
    const payload = await readObject(c);
    // The same Idempotency-Key starts the same run once, however often it is retried.
    const requestId = c.req.header('idempotency-key') ?? randomUUID();
    const started = await request(bus, rpcs.startManualRun, tenantId, {
      workflowId,
      requestId,
      actor,
      payload,
    });
    c.set('audit', { runId: started.runId, version: started.version, created: started.created });
    return respond(
      c,
      { runId: started.runId, workflowId: started.workflowId, version: started.version, status: 'queued' },
      started.created ? 202 : 200,
      { location: `/api/runs/${started.runId}` },
    );
  });

  app.get('/runs/:runId', async (c) => {
    const runId = idParam(c, 'runId', 'run');
    const { tenantId } = c.get('principal');
    try {
      const [run, deliveries, kriEvents, artifacts] = await Promise.all([
        request(bus, rpcs.getRun, tenantId, { runId }),
        runDeliveries(bus, tenantId, runId),
        kriEventsOf(bus, tenantId, runId),
        artifactsOf(bus, tenantId, runId),
      ]);
      return respond(c, {
        ...run,
        ...(deliveries ? { deliveries } : {}),
        ...(kriEvents ? { kriEvents } : {}),
        ...(artifacts ? { artifacts } : {}),
      });
    } catch (error) {
      if (!(isRiskloopError(error) && error.code === 'not_found')) throw error;
      // Started but not yet picked up by a runner: the trigger router knows it.
      const queued = await request(bus, rpcs.getTriggeredRun, tenantId, { runId });
      const view: Partial<RunView> = {
        id: queued.runId,
        workflowId: queued.workflowId,
        workflowVersion: queued.version,
        status: 'queued',
        path: [],
        steps: [],
        createdAt: queued.createdAt,
      };
      return respond(c, view);
    }
  });

  app.post('/runs/:runId/cancel', async (c) => {
    const runId = idParam(c, 'runId', 'run');
    const { tenantId, actor } = c.get('principal');
    const body = c.req.header('content-length') === '0' ? {} : await readObject(c).catch(() => ({}));
    const reason = typeof body.reason === 'string' ? body.reason.slice(0, 2000) : undefined;
    return respond(
      c,
      await request(bus, runnerRpcs.cancelRun, tenantId, { runId, actor, ...(reason ? { reason } : {}) }),
    );
  });

  app.get('/runs/:runId/events', async (c) => {
    const runId = idParam(c, 'runId', 'run');
    // 404 before the stream opens.
    await request(bus, runnerRpcs.runHistory, c.get('principal').tenantId, { runId, after: 0 });
    return streamRunEvents(c, bus, runId);
  });

  app.get('/workflows/:id/runs', async (c) => {
    const workflowId = idParam(c, 'id', 'workflow');
    const query = readQuery(c, RunQuery);
    const tenant = c.get('principal').tenantId;
    await request(bus, rpcs.getWorkflow, tenant, { workflowId }); // 404 for another tenant's or no workflow
    return respond(c, await request(bus, runnerRpcs.listRuns, tenant, { ...query, workflowId }));
  });

  return app;
}

/** The KRI updates the run's steps published; a run is still shown when the kri-emitter does not answer. */
async function kriEventsOf(bus: RouteDeps['bus'], tenantId: string, runId: string) {
  try {
    return (await request(bus, triggerRpcs.listRunKriEvents, tenantId, { runId }, { timeoutMs: 2_000 }))
      .items;
  } catch {
    return undefined;
  }
}

/** The run's deliveries from the relay; a run is still shown (without them) while the relay is away. */
async function runDeliveries(
  bus: RouteDeps['bus'],
  tenantId: string,
  runId: string,
): Promise<DeliveryView[] | undefined> {
  try {
    return (await request(bus, relayRpcs.listDeliveries, tenantId, { runId })).items;
  } catch (error) {
    if (isRiskloopError(error) && error.code === 'unavailable') return undefined;
    throw error;
  }
}

/** The run's artifacts (documents) from the relay; omitted while the relay is away. */
async function artifactsOf(bus: RouteDeps['bus'], tenantId: string, runId: string) {
  try {
    return (await request(bus, artifactRpcs.listArtifacts, tenantId, { runId })).items;
  } catch (error) {
    if (isRiskloopError(error) && error.code === 'unavailable') return undefined;
    throw error;
  }
}
