/**
 * Inbound webhooks and their secrets. `POST /api/workflows/:id/webhook-secret` makes a new secret for the
 * workflow (replacing the old one) and shows it once. `POST /hooks/:tenant/:workflow` is the URL a sender
 * calls, without an API key: the trigger-router verifies its signature over the raw body.
 */
import { request } from '@riskloop/bus';
import { triggerRpcs } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { Hono } from 'hono';
import { respond } from '../body.ts';
import { idParam, type GatewayEnv, type RouteDeps } from './context.ts';
import { anyone, operators, type RouteRoles } from '../access.ts';

/** Who may call the webhook-secret routes (mounted at `/api`); `/hooks/*` is signed, not role-checked. */
export const webhookSecretAccess: RouteRoles = {
  'POST /workflows/:id/webhook-secret': operators,
  'GET /trigger-stats': anyone,
};

export function webhookSecretRoutes({ bus }: RouteDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.post('/workflows/:id/webhook-secret', async (c) => {
    const { tenantId, actor } = c.get('principal');
    const workflowId = idParam(c, 'id', 'workflow');
    const created = await request(bus, triggerRpcs.rotateWebhookSecret, tenantId, { workflowId, actor });
    return respond(c, { ...created, url: `/hooks/${tenantId}/${workflowId}` }, 201);
  });
  app.get('/trigger-stats', async (c) =>
    respond(c, await request(bus, triggerRpcs.triggerStats, c.get('principal').tenantId, {})),
  );
  return app;
}

export function inboundHookRoutes({ bus }: RouteDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.post('/:tenant/:workflow', async (c) => {
    const tenant = c.req.param('tenant');
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(tenant)) throw RiskloopError.notFound('tenant', tenant);
    const workflowId = idParam(c, 'workflow', 'workflow');
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, key) => (headers[key.toLowerCase()] = value));
    const answer = await request(bus, triggerRpcs.receiveWebhook, tenant, {
      workflowId,
      headers,
      body: await c.req.text(),
    });
    return respond(c, answer, answer.started ? 202 : 200);
  });
  return app;
}
