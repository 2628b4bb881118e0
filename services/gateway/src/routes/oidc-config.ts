/** `/api/oidc-config`: the tenant's identity provider for people's bearer tokens. Admins set it. */
import type { MikroORM } from '@mikro-orm/postgresql';
import { OidcConfigBody } from '@riskloop/contracts';
import { Hono } from 'hono';
import { adminOnly, auditors, type RouteRoles } from '../access.ts';
import { parseWith, readBody, respond } from '../body.ts';
import { deleteOidcConfig, getOidcConfig, putOidcConfig } from '../oidc.ts';
import type { GatewayEnv } from './context.ts';

export const oidcConfigAccess: RouteRoles = {
  'GET /': auditors,
  'PUT /': adminOnly,
  'DELETE /': adminOnly,
};

export function oidcConfigRoutes(orm: MikroORM, allowHttp: boolean): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get('/', async (c) => respond(c, await getOidcConfig(orm, c.get('principal').tenantId)));
  app.put('/', async (c) => {
    const body = parseWith(OidcConfigBody, await readBody(c));
    const { tenantId, actor } = c.get('principal');
    const view = await putOidcConfig(orm, tenantId, actor, body, allowHttp);
    c.set('audit', { issuer: view.issuer, audience: view.audience, jwksUrl: view.jwksUrl });
    return respond(c, view);
  });
  app.delete('/', async (c) => {
    await deleteOidcConfig(orm, c.get('principal').tenantId);
    return c.body(null, 204);
  });
  return app;
}
