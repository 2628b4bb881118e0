/**
 * `GET /api/runs/:runId/artifacts/:name`: a run artifact's bytes with its media type, and its SHA-256 as
 * the ETag. HTML is served sandboxed (no scripts, no same-origin) so a document can never act on the API.
 */
import { request } from '@riskloop/bus';
import { ArtifactName, artifactRpcs, rpcs } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { Hono } from 'hono';
import { idParam, type GatewayEnv, type RouteDeps } from './context.ts';
import { anyone, type RouteRoles } from '../access.ts';

/** Who may call each route below (mounted at `/api`). */
export const artifactAccess: RouteRoles = {
  'GET /runs/:runId/artifacts': anyone,
  'GET /runs/:runId/artifacts/:name': anyone,
};

export function artifactRoutes({ bus }: RouteDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.get('/runs/:runId/artifacts', async (c) => {
    const runId = idParam(c, 'runId', 'run');
    const tenant = c.get('principal').tenantId;
    await request(bus, rpcs.getRun, tenant, { runId }); // 404 for another tenant's or no run
    return c.json(await request(bus, artifactRpcs.listArtifacts, tenant, { runId }));
  });

  app.get('/runs/:runId/artifacts/:name', async (c) => {
    const runId = idParam(c, 'runId', 'run');
    const name = c.req.param('name');
    if (!ArtifactName.safeParse(name).success) throw RiskloopError.notFound('artifact', name);
    const artifact = await request(bus, artifactRpcs.getArtifact, c.get('principal').tenantId, {
      runId,
      name,
    });
    const etag = `"${artifact.sha256}"`;
    const headers = {
      etag,
      'content-type': artifact.mediaType,
      'content-disposition': `attachment; filename="${artifact.name}"`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': 'sandbox',
      'cache-control': 'private, max-age=0, must-revalidate',
    };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    return c.body(new Uint8Array(Buffer.from(artifact.content, 'base64')), 200, headers);
  });

  return app;
}
