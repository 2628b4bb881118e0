/** `GET /api/audit-log`: the tenant's audit entries in sequence order, for auditors (and admins). */
import type { MikroORM } from '@mikro-orm/postgresql';
import { Hono } from 'hono';
import { z } from 'zod';
import { auditors, type RouteRoles } from '../access.ts';
import { listAudit } from '../audit/log.ts';
import { readQuery, respond } from '../body.ts';
import type { GatewayEnv } from './context.ts';

export const auditLogAccess: RouteRoles = { 'GET /': auditors };

export const AuditQuery = z.strictObject({
  actor: z.string().max(300).optional(),
  action: z.string().max(300).optional(),
  outcome: z.enum(['success', 'denied', 'failure']).optional(),
  target: z.string().max(1000).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'a cursor from nextCursor')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function auditLogRoutes(orm: MikroORM): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get('/', async (c) => {
    const { cursor, ...filter } = readQuery(c, AuditQuery);
    const page = await listAudit(orm, c.get('principal').tenantId, {
      ...filter,
      ...(cursor ? { after: Number(cursor) } : {}),
    });
    return respond(c, page);
  });
  return app;
}
