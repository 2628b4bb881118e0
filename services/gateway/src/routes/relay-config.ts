/** `/api/relay-config`: the tenant's relay destinations and people directory. Each call goes to the relay. */
import { request } from '@riskloop/bus';
import { DestinationName, relayRpcs } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { Hono } from 'hono';
import { readObject, respond } from '../body.ts';
import type { GatewayEnv, RouteDeps } from './context.ts';
import { operators, type RouteRoles } from '../access.ts';

/** `If-Match: "3"` -> 3: the config version the caller edited. */
function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(header.trim());
  if (!match) {
    throw new RiskloopError('precondition_failed', 'If-Match must be an ETag from GET /api/relay-config', {
      status: 412,
    });
  }
  return Number(match[1]);
}

/** Relay destinations hold credentials (sealed, never shown): operators run them, auditors read them. */
export const relayConfigAccess: RouteRoles = {
  'GET /': ['admin', 'operator', 'auditor'],
  'PUT /': operators,
  'POST /destinations/:name/test': operators,
};

export function relayConfigRoutes({ bus }: RouteDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.get('/', async (c) => {
    const view = await request(bus, relayRpcs.getRelayConfig, c.get('principal').tenantId, {});
    return respond(c, view, 200, { etag: `"${view.version}"` });
  });

  app.put('/', async (c) => {
    const { tenantId, actor } = c.get('principal');
    const config = await readObject(c);
    const expected = expectedVersion(c.req.header('if-match'));
    const view = await request(bus, relayRpcs.putRelayConfig, tenantId, {
      config,
      actor,
      ...(expected === undefined ? {} : { expectedVersion: expected }),
    });
    return respond(c, view, 200, { etag: `"${view.version}"` });
  });

  app.post('/destinations/:name/test', async (c) => {
    const name = c.req.param('name');
    if (!DestinationName.safeParse(name).success) throw RiskloopError.notFound('destination', name);
    // A test waits for the destination (up to its 10 s timeout); the RPC allows for that.
    const result = await request(
      bus,
      relayRpcs.testDestination,
      c.get('principal').tenantId,
      { name },
      { timeoutMs: 15_000 },
    );
    return respond(c, result);
  });

  return app;
}
