/**
 * The role x route matrix, deny by default. Each route module declares `METHOD /path -> roles` for its own
 * routes (paths relative to where it is mounted); `routes/access-matrix.ts` mounts them under their prefixes.
 * The guard looks up the route Hono matched: a route that is in no table is refused for every role (403),
 * so a route added without a declaration cannot be reached until someone decides who may call it.
 */
import { roles, type Role } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { GatewayEnv } from './routes/context.ts';

/** `'POST /:id/activate': ['admin', 'author']`: who may call a route. */
export type RouteRoles = Record<string, readonly Role[]>;

/** Every role, read-only ones included. */
export const anyone: readonly Role[] = roles;
/** Roles that may change something (everyone but auditors and viewers). */
export const changers: readonly Role[] = ['admin', 'author', 'approver', 'operator'];
export const adminOnly: readonly Role[] = ['admin'];
export const authors: readonly Role[] = ['admin', 'author'];
export const operators: readonly Role[] = ['admin', 'operator'];
export const auditors: readonly Role[] = ['admin', 'auditor'];

/** A module's table mounted under `prefix` (`/` becomes the prefix itself, as Hono does). */
export function mountRoles(prefix: string, table: RouteRoles): RouteRoles {
  const mounted: RouteRoles = {};
  for (const [key, allowed] of Object.entries(table)) {
    const [method, path] = key.split(' ') as [string, string];
    const full = path === '/' ? prefix : `${prefix}${path}`;
    mounted[`${method} ${full}`] = allowed;
  }
  return mounted;
}

/** The route Hono will answer with (the first matched handler that is not middleware), as `METHOD /path`. */
export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/**
 * Refuse, with 403, a principal whose role the matrix does not list for the matched route, and every
 * principal on a route the matrix does not list at all. No matched route: left to the 404 handler.
 */
export function roleGuard(matrix: RouteRoles): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const handler = matchedRoutes(c).find((r) => r.method !== 'ALL');
    if (!handler) return next();
    const key = routeKey(handler.method, handler.path);
    c.set('route', key);
    const allowed = matrix[key];
    if (!allowed) throw RiskloopError.forbidden(`${key} has no roles declared: refused for everyone`);
    const { role } = c.get('principal');
    if (!allowed.includes(role as Role))
      throw RiskloopError.forbidden(`role ${role} may not call ${key} (allowed: ${allowed.join(', ')})`);
    await next();
  };
}
