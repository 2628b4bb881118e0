/**
 * The public HTTP API. Authentication comes first on `/api/*`: the tenant comes from the API key only,
 * never from the body, path or a header the caller chooses. Work is delegated to the services over NATS.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { BusConnection } from '@riskloop/bus';
import { workflowDefinitionJsonSchema } from '@riskloop/contracts';
import { inSpan, SpanKind, tenantScope, type Logger } from '@riskloop/kit';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { roleGuard, type RouteRoles } from './access.ts';
import { auditTrail } from './audit/middleware.ts';
import { createAuditWriter } from './audit/writer.ts';
import { idempotency } from './idempotency.ts';
import { rateLimit, type RateLimits } from './rate-limit.ts';
import { auditLogRoutes } from './routes/audit-log.ts';
import { problem, problemFromError } from './problem.ts';
import { accessMatrix } from './routes/access-matrix.ts';
import type { GatewayEnv } from './routes/context.ts';
import { createEvidenceKeys } from './evidence.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { artifactRoutes } from './routes/artifacts.ts';
import { approvalRoutes } from './routes/approvals.ts';
import { interviewRoutes, interviewSettingsRoutes } from './routes/interviews.ts';
import { inboundHookRoutes, webhookSecretRoutes } from './routes/hooks.ts';
import { evidenceRoutes } from './routes/evidence.ts';
import { kriRoutes } from './routes/kris.ts';
import { relayConfigRoutes } from './routes/relay-config.ts';
import { remediationActionRoutes } from './routes/remediation-actions.ts';
import { meRoutes } from './routes/me.ts';
import { oidcConfigRoutes } from './routes/oidc-config.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { previewLinkRoutes } from './routes/preview-links.ts';
import { publicRoutes } from './routes/public.ts';
import { runRoutes } from './routes/runs.ts';
import { tenantSettingsRoutes } from './routes/tenant-settings.ts';
import { workflowRoutes } from './routes/workflows.ts';
import type { Authenticate } from './tenants.ts';

export interface AppOptions {
  bus: BusConnection;
  orm: MikroORM;
  log: Logger;
  authenticate: Authenticate;
  /** Names of services that must answer for `/readyz` to say ready, and the check. */
  readiness: () => Promise<Record<string, boolean>>;
  maxBodyBytes?: number;
  /** The seed of the tenants' evidence signing keys (unset: evidence packs answer 503). */
  evidenceSeed?: Buffer | undefined;
  /** Accept `http:` JWKS URLs in OIDC configs (development and tests). */
  oidcAllowHttp?: boolean;
  /** Where people reach the gateway, for the URLs of preview links. */
  publicUrl?: string | undefined;
  /** The role x route matrix (default: the one declared beside the routes). */
  accessMatrix?: RouteRoles;
  /** Requests per second per credential and per tenant (default 100 and 300). */
  rateLimits?: RateLimits;
}

export function createApp(options: AppOptions): Hono<GatewayEnv> {
  const { bus } = options;
  const app = new Hono<GatewayEnv>();
  app.onError(problemFromError(options.log));
  // one span per request, joining the caller's trace when it sends a `traceparent`
  app.use('*', (c, next) =>
    inSpan(
      `HTTP ${c.req.method}`,
      {
        parent: c.req.header('traceparent'),
        kind: SpanKind.SERVER,
        attributes: { 'http.method': c.req.method, 'url.path': c.req.path },
      },
      next,
    ),
  );
  // An API answers data only: nothing may frame it, run scripts from it or sniff its types. A route that
  // sets one of these headers itself keeps its own (e.g. `sandbox` on HTML artifacts).
  app.use(
    '*',
    secureHeaders({
      overwrite: false,
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      referrerPolicy: 'no-referrer',
      crossOriginResourcePolicy: 'same-origin',
    }),
  );
  app.notFound((c) => problem(c, 404, `no route for ${c.req.method} ${c.req.path}`));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const checks = await options.readiness();
    const ready = Object.values(checks).every(Boolean);
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
  });

  // Inbound webhooks: no API key; the trigger-router checks the sender's signature.
  app.use(
    '/hooks/*',
    bodyLimit({
      maxSize: options.maxBodyBytes ?? 1024 * 1024,
      onError: (c) => problem(c, 413, `the body is larger than ${options.maxBodyBytes ?? 1024 * 1024} bytes`),
    }),
  );
  app.route('/hooks', inboundHookRoutes({ bus }));

  app.use(
    '/api/*',
    bodyLimit({
      maxSize: options.maxBodyBytes ?? 1024 * 1024,
      onError: (c) => problem(c, 413, `the body is larger than ${options.maxBodyBytes ?? 1024 * 1024} bytes`),
    }),
  );
  // Preview links are redeemed without a credential: before the authentication below.
  const writeAudit = createAuditWriter(options.orm, bus, options.log);
  app.route('/api/public', publicRoutes({ bus, orm: options.orm, log: options.log, writeAudit }));
  app.use('/api/*', async (c, next) => {
    const principal = await options.authenticate(c.req.header('authorization'));
    c.set('principal', principal);
    // everything after this reads the database as the caller's tenant (row-level security)
    await tenantScope.run(principal.tenantId, next);
  });
  app.use('/api/*', rateLimit(options.rateLimits ?? { perKey: 100, perTenant: 300 }));
  // Every mutating call is audited once answered, refusals included.
  app.use('/api/*', auditTrail(writeAudit));
  // Deny by default: a route is reached only by the roles `routes/access-matrix.ts` lists for it.
  const matrix = options.accessMatrix ?? accessMatrix;
  app.use('/api/*', roleGuard(matrix));
  app.use('/api/*', idempotency(options.orm));

  app.get('/api/schemas/workflow-definition', (c) => c.json(workflowDefinitionJsonSchema()));
  app.route('/api/workflows', workflowRoutes({ bus }));
  app.route('/api', runRoutes({ bus }));
  app.route('/api/approvals', approvalRoutes({ bus }));
  app.route('/api/api-keys', apiKeyRoutes(options.orm));
  app.route('/api/workflow-interviews', interviewRoutes({ bus }));
  app.route('/api/interview-settings', interviewSettingsRoutes({ bus }));
  app.route('/api', kriRoutes({ bus }));
  app.route('/api', webhookSecretRoutes({ bus }));
  app.route('/api/relay-config', relayConfigRoutes({ bus }));
  app.route('/api/remediation-actions', remediationActionRoutes({ bus }));
  app.route('/api', artifactRoutes({ bus }));
  app.route('/api', evidenceRoutes({ bus, keys: createEvidenceKeys(options.evidenceSeed) }));
  app.route('/api/tenant-settings', tenantSettingsRoutes({ bus }));
  app.route('/api/me', meRoutes());
  app.route('/api/audit-log', auditLogRoutes(options.orm));
  app.route('/api', previewLinkRoutes({ bus, orm: options.orm, publicUrl: options.publicUrl }));
  app.route('/api/oidc-config', oidcConfigRoutes(options.orm, options.oidcAllowHttp ?? false));
  app.route('/api', openApiRoutes(matrix));

  return app;
}
