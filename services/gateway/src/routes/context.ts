/** What every route module shares: the Hono env (the authenticated principal) and id parsing. */
import type { BusConnection } from '@riskloop/bus';
import { RiskloopError } from '@riskloop/kit';
import type { Context } from 'hono';
import type { Principal } from '../tenants.ts';

export type GatewayEnv = {
  Variables: {
    principal: Principal;
    /** The matched route as `METHOD /path` (set by the role guard). */
    route: string | undefined;
    /** What a handler adds to its call's audit entry (e.g. the version it activated). */
    audit: Record<string, unknown> | undefined;
  };
};
export type GatewayContext = Context<GatewayEnv>;

export interface RouteDeps {
  bus: BusConnection;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id; anything that is not a UUID cannot exist, so it is a 404 like an unknown one. */
export function idParam(c: GatewayContext, name: string, what: string): string {
  const id = c.req.param(name) ?? '';
  if (!uuidPattern.test(id)) throw RiskloopError.notFound(what, id);
  return id.toLowerCase();
}

export function intParam(c: GatewayContext, name: string, what: string): number {
  const raw = c.req.param(name) ?? '';
  const n = Number(raw);
  if (!/^\d{1,9}$/.test(raw) || n < 1) throw RiskloopError.notFound(what, raw);
  return n;
}
