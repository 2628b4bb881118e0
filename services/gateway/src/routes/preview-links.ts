/**
 * `/api/workflows/:id/preview-links`: make (the URL and token are shown once), list and revoke single-use
 * public links to one version of a workflow.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { request } from '@riskloop/bus';
import { CreatePreviewLinkBody, rpcs } from '@riskloop/contracts';
import { Hono } from 'hono';
import { authors, type RouteRoles } from '../access.ts';
import { parseWith, readBody, respond } from '../body.ts';
import { createPreviewLink, listPreviewLinks, revokePreviewLink } from '../preview/links.ts';
import { idParam, type GatewayEnv, type RouteDeps } from './context.ts';

/** Mounted at `/api`. */
export const previewLinkAccess: RouteRoles = {
  'POST /workflows/:id/preview-links': authors,
  'GET /workflows/:id/preview-links': ['admin', 'author', 'auditor'],
  'DELETE /workflows/:id/preview-links/:linkId': authors,
};

export interface PreviewLinkDeps extends RouteDeps {
  orm: MikroORM;
  /** Where people reach the gateway (`https://riskloop.example.com`); links are relative without it. */
  publicUrl?: string | undefined;
}

export function previewLinkRoutes({ bus, orm, publicUrl }: PreviewLinkDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.post('/workflows/:id/preview-links', async (c) => {
    const workflowId = idParam(c, 'id', 'workflow');
    const { tenantId, actor } = c.get('principal');
    const text = c.req.header('content-length') === '0' || !c.req.header('content-type');
    const body = parseWith(CreatePreviewLinkBody, text ? {} : await readBody(c));
    const workflow = await request(bus, rpcs.getWorkflow, tenantId, { workflowId });
    const version = body.version ?? workflow.activeVersion ?? workflow.latestVersion;
    // 404 for a version that does not exist.
    await request(bus, rpcs.getVersion, tenantId, { workflowId, version });
    const link = await createPreviewLink(orm, {
      tenantId,
      workflowId,
      version,
      expiresIn: body.expiresIn,
      includeEvidence: body.includeEvidence,
      actor,
    });
    const { token, ...view } = link;
    c.set('audit', {
      linkId: view.id,
      version,
      expiresAt: view.expiresAt,
      includeEvidence: view.includeEvidence,
    });
    const url = `${publicUrl?.replace(/\/$/, '') ?? ''}/api/public/workflow/${token}`;
    return respond(c, { ...view, url, token }, 201, { 'cache-control': 'no-store' });
  });

  app.get('/workflows/:id/preview-links', async (c) => {
    const workflowId = idParam(c, 'id', 'workflow');
    const tenant = c.get('principal').tenantId;
    await request(bus, rpcs.getWorkflow, tenant, { workflowId }); // 404 for another tenant's or no workflow
    return respond(c, { items: await listPreviewLinks(orm, tenant, workflowId) });
  });

  app.delete('/workflows/:id/preview-links/:linkId', async (c) => {
    const workflowId = idParam(c, 'id', 'workflow');
    const linkId = idParam(c, 'linkId', 'preview link');
    await revokePreviewLink(orm, c.get('principal').tenantId, workflowId, linkId);
    return c.body(null, 204);
  });

  return app;
}
