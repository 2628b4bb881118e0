/** The approvals inbox and decisions: the runner owns approvals; the caller comes from the credential. */
import { request } from '@riskloop/bus';
import { ApprovalQuery, DecisionBody, runnerRpcs, type Caller } from '@riskloop/contracts';
import { Hono } from 'hono';
import { parseWith, readBody, readQuery, respond } from '../body.ts';
import type { Principal } from '../tenants.ts';
import { idParam, type GatewayEnv, type RouteDeps } from './context.ts';
import { anyone, changers, type RouteRoles } from '../access.ts';

export const callerOf = (p: Principal): Caller => ({
  actor: p.actor,
  ...(p.user ? { user: p.user } : {}),
  role: p.role,
  groups: p.groups,
});

/** Who may call each route below. The runner still decides who may decide a given approval. */
export const approvalAccess: RouteRoles = {
  'GET /': anyone,
  'GET /:id': anyone,
  'POST /:id/decisions': changers,
};

export function approvalRoutes({ bus }: RouteDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  // `?scope=mine` (default): what the caller may decide now; `?scope=all&status=...`: every approval.
  app.get('/', async (c) => {
    const principal = c.get('principal');
    const query = readQuery(c, ApprovalQuery);
    return respond(
      c,
      await request(bus, runnerRpcs.listApprovals, principal.tenantId, {
        ...query,
        caller: callerOf(principal),
      }),
    );
  });

  app.get('/:id', async (c) => {
    const approvalId = idParam(c, 'id', 'approval');
    return respond(
      c,
      await request(bus, runnerRpcs.getApproval, c.get('principal').tenantId, { approvalId }),
    );
  });

  app.post('/:id/decisions', async (c) => {
    const approvalId = idParam(c, 'id', 'approval');
    const principal = c.get('principal');
    const body = parseWith(DecisionBody, await readBody(c));
    c.set('audit', { decision: body.decision });
    const decided = await request(bus, runnerRpcs.decideApproval, principal.tenantId, {
      ...body,
      approvalId,
      caller: callerOf(principal),
    });
    return respond(c, decided, 201, { location: `/api/approvals/${approvalId}` });
  });

  return app;
}
