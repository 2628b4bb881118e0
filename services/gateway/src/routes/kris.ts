/** `/api/kris` (the tenant's KRI catalogue) and `/api/workflow-kri-definitions` (versioned KRI event definitions). */
import { request } from '@riskloop/bus';
import { triggerRpcs } from '@riskloop/contracts';
import { Hono } from 'hono';
import { readObject, respond } from '../body.ts';
import type { GatewayEnv, RouteDeps } from './context.ts';
import { anyone, authors, type RouteRoles } from '../access.ts';

/** Who may call each route below (mounted at `/api`). */
export const kriAccess: RouteRoles = {
  'GET /kris': anyone,
  'GET /kris/:id': anyone,
  'PUT /kris/:id': authors,
  'GET /workflow-kri-definitions': anyone,
  'GET /workflow-kri-definitions/:id': anyone,
  'GET /workflow-kri-definitions/:id/change-log': anyone,
  'PUT /workflow-kri-definitions/:id': authors,
};

export function kriRoutes({ bus }: RouteDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const tenantOf = (c: { get: (k: 'principal') => { tenantId: string } }) => c.get('principal').tenantId;

  app.get('/kris', async (c) => respond(c, await request(bus, triggerRpcs.listKris, tenantOf(c), {})));
  app.get('/kris/:id', async (c) =>
    respond(c, await request(bus, triggerRpcs.getKri, tenantOf(c), { kriId: c.req.param('id') })),
  );
  app.put('/kris/:id', async (c) => {
    const { tenantId, actor } = c.get('principal');
    const body = await readObject(c);
    return respond(
      c,
      await request(bus, triggerRpcs.putKri, tenantId, { actor, kriId: c.req.param('id'), body }),
    );
  });

  app.get('/workflow-kri-definitions', async (c) => {
    const event = c.req.query('event');
    return respond(
      c,
      await request(bus, triggerRpcs.listKriDefinitions, tenantOf(c), event ? { event } : {}),
    );
  });
  app.get('/workflow-kri-definitions/:id', async (c) => {
    const definition = await request(bus, triggerRpcs.getKriDefinition, tenantOf(c), {
      definitionId: c.req.param('id'),
    });
    return respond(c, definition, 200, { etag: `"${definition.version}"` });
  });
  app.get('/workflow-kri-definitions/:id/change-log', async (c) =>
    respond(
      c,
      await request(bus, triggerRpcs.getKriDefinitionChangeLog, tenantOf(c), {
        definitionId: c.req.param('id'),
      }),
    ),
  );
  // Creates version 1, or a new version when the body changed (`reason` optional, in the body or `?reason=`).
  app.put('/workflow-kri-definitions/:id', async (c) => {
    const { tenantId, actor } = c.get('principal');
    const { reason: bodyReason, ...body } = await readObject(c);
    const reason = typeof bodyReason === 'string' ? bodyReason : c.req.query('reason');
    const { changed, ...definition } = await request(bus, triggerRpcs.putKriDefinition, tenantId, {
      actor,
      definitionId: c.req.param('id'),
      body,
      ...(reason ? { reason } : {}),
    });
    const status = changed && definition.version === 1 ? 201 : 200;
    return respond(c, definition, status, { etag: `"${definition.version}"` });
  });
  return app;
}
