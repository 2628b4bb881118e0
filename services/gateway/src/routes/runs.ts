/** Starting runs and reading them. */
import { request } from '@riskloop/bus';
import { relayRpcs, rpcs, type DeliveryView, type RunView } from '@riskloop/contracts';
import { isRiskloopError } from '@riskloop/kit';
import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import { readObject, respond } from '../body.ts';
import { idParam, type GatewayEnv, type RouteDeps } from './context.ts';

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
      const [run, deliveries] = await Promise.all([
        request(bus, rpcs.getRun, tenantId, { runId }),
        runDeliveries(bus, tenantId, runId),
      ]);
      return respond(c, deliveries ? { ...run, deliveries } : run);
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

  return app;
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
