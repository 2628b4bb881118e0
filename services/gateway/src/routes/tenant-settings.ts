/** `/api/tenant-settings`: the tenant's security settings (change approval), kept and enforced by the registry. */
import { request } from '@riskloop/bus';
import { TenantSettings, tenantSettingsRpcs } from '@riskloop/contracts';
import { Hono } from 'hono';
import { adminOnly, anyone, type RouteRoles } from '../access.ts';
import { parseWith, readBody, respond } from '../body.ts';
import type { GatewayEnv, RouteDeps } from './context.ts';

export const tenantSettingsAccess: RouteRoles = {
  'GET /': anyone,
  'PUT /': adminOnly,
};

export function tenantSettingsRoutes({ bus }: RouteDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get('/', async (c) =>
    respond(c, await request(bus, tenantSettingsRpcs.getTenantSettings, c.get('principal').tenantId, {})),
  );
  app.put('/', async (c) => {
    const settings = parseWith(TenantSettings, await readBody(c));
    const { tenantId, actor } = c.get('principal');
    c.set('audit', { settings });
    return respond(
      c,
      await request(bus, tenantSettingsRpcs.putTenantSettings, tenantId, { actor, settings }),
    );
  });
  return app;
}
