/** API keys of the caller's tenant: admins create (token shown once), list and revoke them. */
import type { MikroORM } from '@mikro-orm/postgresql';
import { CreateApiKeyBody } from '@riskloop/contracts';
import { Hono } from 'hono';
import { parseWith, readBody, respond } from '../body.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../tenants.ts';
import type { GatewayEnv } from './context.ts';
import { adminOnly, type RouteRoles } from '../access.ts';

/** Credentials are the admin's alone. */
export const apiKeyAccess: RouteRoles = {
  'GET /': adminOnly,
  'POST /': adminOnly,
  'DELETE /:keyId': adminOnly,
};

export function apiKeyRoutes(orm: MikroORM): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.get('/', async (c) => respond(c, { items: await listApiKeys(orm, c.get('principal').tenantId) }));

  app.post('/', async (c) => {
    const body = parseWith(CreateApiKeyBody, await readBody(c));
    const created = await createApiKey(orm, c.get('principal').tenantId, body);
    c.set('audit', { keyId: created.keyId, role: created.role, user: created.user, name: created.name });
    return respond(c, created, 201, { location: `/api/api-keys/${created.keyId}` });
  });

  app.delete('/:keyId', async (c) => {
    await revokeApiKey(orm, c.get('principal').tenantId, c.req.param('keyId'));
    return c.body(null, 204);
  });

  return app;
}
