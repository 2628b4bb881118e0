/** `GET /api/me`: who the credential says the caller is (tenant, role, user, groups). */
import { Hono } from 'hono';
import { anyone, type RouteRoles } from '../access.ts';
import type { GatewayEnv } from './context.ts';

export const meAccess: RouteRoles = { 'GET /': anyone };

export function meRoutes(): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get('/', (c) => {
    const { tenantId, role, user, groups, actor, keyId } = c.get('principal');
    return c.json({
      tenantId,
      role,
      user: user ?? null,
      groups,
      actor,
      credential: keyId === 'oidc' ? 'oidc' : 'api_key',
    });
  });
  return app;
}
