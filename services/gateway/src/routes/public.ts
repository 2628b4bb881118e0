/**
 * `GET /api/public/workflow/:token`: redeem a preview link, without an account. Single-use: of any number
 * of concurrent redemptions one gets the view; an unknown, used, revoked or expired token gets the same 404.
 * Nothing here is cached or sent on as a referrer. Each redemption (and each try of a spent link) is audited.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { request } from '@riskloop/bus';
import { rpcs, runnerRpcs, WorkflowDefinition } from '@riskloop/contracts';
import { isRiskloopError, type Logger } from '@riskloop/kit';
import { Hono } from 'hono';
import type { WriteAudit } from '../audit/writer.ts';
import { claimLink, findByToken, isTokenShaped } from '../preview/links.ts';
import { publicWorkflowView } from '../preview/public-view.ts';
import { problem } from '../problem.ts';
import type { RouteDeps } from './context.ts';

export interface PublicDeps extends RouteDeps {
  orm: MikroORM;
  log: Logger;
  writeAudit: WriteAudit;
}

export function publicRoutes({ bus, orm, log, writeAudit }: PublicDeps): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set('cache-control', 'no-store');
    c.res.headers.set('referrer-policy', 'no-referrer');
    c.res.headers.set('x-robots-tag', 'noindex');
  });

  app.get('/workflow/:token', async (c) => {
    const gone = () => problem(c, 404, 'no such preview link');
    const token = c.req.param('token');
    if (!isTokenShaped(token)) return gone();
    const link = await findByToken(orm, token);
    if (!link) return gone();
    const record = (outcome: 'success' | 'denied', why?: string) =>
      writeAudit({
        tenantId: link.tenantId,
        actor: `preview-link:${link.id}`,
        action: 'preview_link.redeem',
        target: `/api/workflows/${link.workflowId}/preview-links/${link.id}`,
        outcome,
        status: outcome === 'success' ? 200 : 404,
        details: { version: link.version, ...(why ? { why } : {}) },
      });
    const spent = link.revokedAt
      ? 'revoked'
      : link.redeemedAt
        ? 'redeemed'
        : link.expiresAt <= new Date()
          ? 'expired'
          : undefined;
    if (spent) {
      await record('denied', spent);
      return gone();
    }
    // Build the view first, so that a passing failure does not spend the link; then claim it.
    const version = await request(bus, rpcs.getVersion, link.tenantId, {
      workflowId: link.workflowId,
      version: link.version,
    });
    const runs = link.includeEvidence
      ? await recentRuns(link.tenantId, link.workflowId, link.version)
      : undefined;
    const view = publicWorkflowView(
      { ...version, definition: WorkflowDefinition.parse(version.definition) },
      runs,
    );
    if (!(await claimLink(orm, link.id))) {
      await record('denied', 'redeemed');
      return gone();
    }
    await record('success');
    return c.json(view);
  });

  const recentRuns = async (tenantId: string, workflowId: string, version: number) => {
    try {
      const page = await request(bus, runnerRpcs.listRuns, tenantId, { workflowId, limit: 100 });
      return page.items.filter((r) => r.workflowVersion === version).slice(0, 20);
    } catch (error) {
      if (!isRiskloopError(error) || error.code !== 'unavailable') throw error;
      log.warn({ err: error }, 'preview: the runner did not answer; showing no evidence');
      return [];
    }
  };

  return app;
}
