/**
 * Every call that may change something (POST, PUT, PATCH, DELETE) under `/api` leaves an audit entry once
 * it is answered: who (the credential's actor), what (the route), on what (the path), and how it went.
 * Refused calls are recorded too (`denied`); calls without a valid credential have no tenant and are not.
 * Handlers add details with `c.set('audit', {...})`.
 */
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../routes/context.ts';
import type { AuditOutcome } from './chain.ts';
import type { WriteAudit } from './writer.ts';

const mutating = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const outcomeOf = (status: number): AuditOutcome =>
  status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : 'failure';

/** The call's effect stands once answered: an entry that cannot be written now is written later. */
export function auditTrail(writeAudit: WriteAudit): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    await next();
    if (!mutating.has(c.req.method)) return;
    const principal = c.get('principal');
    const status = c.res.status;
    await writeAudit({
      tenantId: principal.tenantId,
      actor: principal.actor,
      action: c.get('route') ?? `${c.req.method} ${c.req.path}`,
      target: c.req.path,
      outcome: outcomeOf(status),
      status,
      details: {
        credential: principal.keyId === 'oidc' ? 'oidc' : `key:${principal.keyId}`,
        ...(c.get('audit') ?? {}),
      },
    });
  };
}
