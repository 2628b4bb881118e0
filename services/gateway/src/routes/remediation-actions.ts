/** `/api/remediation-actions`: the tenant's registered remediation actions. Each call goes to the relay. */
import { request } from '@riskloop/bus';
import { RemediationActionName, remediationRpcs } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { Hono } from 'hono';
import { readObject, respond } from '../body.ts';
import type { GatewayContext, GatewayEnv, RouteDeps } from './context.ts';
import { adminOnly, anyone, type RouteRoles } from '../access.ts';

function nameParam(c: GatewayContext): string {
  const name = c.req.param('name') ?? '';
  if (!RemediationActionName.safeParse(name).success)
    throw RiskloopError.notFound('remediation action', name);
  return name;
}

/** Who may call each route below (mounted at `/api/remediation-actions`): actions reach tenants' systems. */
export const remediationActionAccess: RouteRoles = {
  'GET /': anyone,
  'GET /:name': anyone,
  'PUT /:name': adminOnly,
  'DELETE /:name': adminOnly,
};

export function remediationActionRoutes({ bus }: RouteDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.get('/', async (c) =>
    respond(c, await request(bus, remediationRpcs.listRemediationActions, c.get('principal').tenantId, {})),
  );

  app.get('/:name', async (c) => {
    const view = await request(bus, remediationRpcs.getRemediationAction, c.get('principal').tenantId, {
      name: nameParam(c),
    });
    return respond(c, view, 200, { etag: `"${view.version}"` });
  });

  app.put('/:name', async (c) => {
    const { tenantId, actor } = c.get('principal');
    const name = c.req.param('name');
    if (!RemediationActionName.safeParse(name).success) {
      throw RiskloopError.invalid('a remediation action name is lower_snake_case (a-z, 0-9, _)', 'name');
    }
    const body = await readObject(c);
    const view = await request(bus, remediationRpcs.putRemediationAction, tenantId, { name, body, actor });
    return respond(c, view, view.version === 1 ? 201 : 200, { etag: `"${view.version}"` });
  });

  app.delete('/:name', async (c) => {
    const { tenantId, actor } = c.get('principal');
    const name = nameParam(c);
    const result = await request(bus, remediationRpcs.deleteRemediationAction, tenantId, { name, actor });
    if (!result.deleted) throw RiskloopError.notFound('remediation action', name);
    return c.body(null, 204);
  });

  return app;
}
