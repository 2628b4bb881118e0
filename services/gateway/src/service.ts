/** Start the gateway on a booted runtime: the HTTP server. */
import { serve } from '@hono/node-server';
import { serve as serveRpc } from '@riskloop/bus';
import { triggerRpcs } from '@riskloop/contracts';
import { RiskloopError, startLoop } from '@riskloop/kit';
import { bootService, type RuntimeWithDb, type SharedProcess } from '@riskloop/runtime';
import { database } from './db/index.ts';
import type { Env } from './env.ts';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { startPendingAudit } from './audit/writer.ts';
import type { RateLimits } from './rate-limit.ts';
import { evidenceSeed } from './evidence.ts';
import { createReadiness } from './readiness.ts';
import { Tenant } from './db/entities.ts';
import { createOidcVerifier } from './oidc.ts';
import { createAuthenticator } from './tenants.ts';

export interface GatewayOptions {
  port: number;
  host: string;
  maxBodyBytes: number;
  evidenceSeed?: Buffer | undefined;
  oidcAllowHttp?: boolean;
  publicUrl?: string | undefined;
  rateLimits?: RateLimits;
}

/** Resolves with the port actually bound (0 picks a free one). */
export async function startGateway(runtime: RuntimeWithDb, options: GatewayOptions): Promise<number> {
  const { orm, bus, log, lifecycle } = runtime;
  const app = createApp({
    bus,
    log,
    orm,
    authenticate: createAuthenticator({
      orm,
      oidc: createOidcVerifier({ orm, allowHttp: options.oidcAllowHttp ?? false }),
    }),
    oidcAllowHttp: options.oidcAllowHttp ?? false,
    publicUrl: options.publicUrl,
    readiness: createReadiness(bus, orm),
    maxBodyBytes: options.maxBodyBytes,
    evidenceSeed: options.evidenceSeed,
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, () => resolve(s));
  });
  // Other services ask whether a tenant exists (e.g. before accepting a breach for it).
  const tenants = serveRpc(bus, triggerRpcs.getTenant, async (_body, { tenant }) => {
    const row = /^[0-9a-f-]{36}$/i.test(tenant) ? await orm.em.fork().findOne(Tenant, { id: tenant }) : null;
    if (!row) throw RiskloopError.notFound('tenant', tenant);
    return { tenantId: row.id, name: row.name };
  });
  lifecycle.onShutdown('gateway: tenant rpc', () => tenants.stop());
  const pendingAudit = await startPendingAudit(orm, bus);
  lifecycle.onShutdown('gateway: pending audit entries', () => pendingAudit.stop());
  // Stored answers to Idempotency-Key requests are kept for a day.
  const stopSweep = startLoop({
    name: 'idempotency sweep',
    everyMs: 15 * 60_000,
    log,
    task: async () => {
      await orm.em
        .fork()
        .execute(
          `delete from "gateway"."idempotent_requests" where created_at < now() - interval '24 hours'`,
        );
    },
  });
  lifecycle.onShutdown('gateway: idempotency sweep', stopSweep);
  lifecycle.onShutdown('gateway: http', () => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

/** Boot this service, start its work and report ready. `shared` is set when several services share a process. */
export async function launch(env: Env, shared: SharedProcess = {}): Promise<void> {
  const runtime = await bootService({ service: 'gateway', env, db: database, ...shared });
  const port = await startGateway(runtime, {
    port: env.PORT,
    host: env.HOST,
    maxBodyBytes: env.MAX_BODY_BYTES,
    evidenceSeed: evidenceSeed(env.RISKLOOP_EVIDENCE_KEY, env.RISKLOOP_MASTER_KEYS),
    oidcAllowHttp: env.OIDC_ALLOW_HTTP,
    publicUrl: env.PUBLIC_URL,
    rateLimits: { perKey: env.RATE_LIMIT_PER_KEY, perTenant: env.RATE_LIMIT_PER_TENANT },
  });
  runtime.ready({ port });
}
