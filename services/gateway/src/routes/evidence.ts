/**
 * Evidence packs: `GET /api/runs/:runId/evidence` (the signed JSON pack), `GET
 * /api/runs/:runId/evidence/summary.pdf` (its PDF summary) and `GET /api/evidence/public-key` (the
 * tenant's verification key as a JWK).
 */
import { renderSummary } from '@riskloop/evidence';
import { Hono } from 'hono';
import { buildEvidencePack, type EvidenceKeys } from '../evidence.ts';
import { idParam, type GatewayEnv, type RouteDeps } from './context.ts';
import { anyone, type RouteRoles } from '../access.ts';

/** Who may call each route below (mounted at `/api`). */
export const evidenceAccess: RouteRoles = {
  'GET /runs/:runId/evidence': anyone,
  'GET /runs/:runId/evidence/summary.pdf': anyone,
  'GET /evidence/public-key': anyone,
};

export function evidenceRoutes({ bus, keys }: RouteDeps & { keys: EvidenceKeys }): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.get('/runs/:runId/evidence', async (c) => {
    const runId = idParam(c, 'runId', 'run');
    const pack = await buildEvidencePack(bus, keys, c.get('principal').tenantId, runId);
    return c.json(pack, 200, {
      'content-disposition': `attachment; filename="evidence-${runId}.json"`,
      'cache-control': 'no-store',
    });
  });

  app.get('/runs/:runId/evidence/summary.pdf', async (c) => {
    const runId = idParam(c, 'runId', 'run');
    const pack = await buildEvidencePack(bus, keys, c.get('principal').tenantId, runId);
    const pdf = await renderSummary(pack);
    return c.body(new Uint8Array(pdf), 200, {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="evidence-${runId}.pdf"`,
      'x-evidence-head': pack.head,
      'cache-control': 'no-store',
    });
  });

  app.get('/evidence/public-key', async (c) => {
    const key = await keys(c.get('principal').tenantId);
    return c.json({ ...key.publicJwk }, 200, { 'content-type': 'application/jwk+json' });
  });

  return app;
}
