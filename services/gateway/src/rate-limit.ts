/**
 * Request rate limits per credential and per tenant (token buckets of `rate-limiter-flexible`, in this
 * gateway copy's memory: with N copies behind a balancer a caller gets up to N times the figure, so set
 * the limits per copy). Over either limit is 429 problem+json with `Retry-After` in seconds.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { MiddlewareHandler } from 'hono';
import { problem } from './problem.ts';
import type { GatewayEnv } from './routes/context.ts';

export interface RateLimits {
  /** Requests per second one API key or token may make (bursts up to this many). */
  perKey: number;
  /** Requests per second all of one tenant's credentials together may make. */
  perTenant: number;
}

export function rateLimit(limits: RateLimits): MiddlewareHandler<GatewayEnv> {
  const byKey = new RateLimiterMemory({ keyPrefix: 'key', points: limits.perKey, duration: 1 });
  const byTenant = new RateLimiterMemory({ keyPrefix: 'tenant', points: limits.perTenant, duration: 1 });
  return async (c, next) => {
    const principal = c.get('principal');
    try {
      await byKey.consume(principal.keyId);
      await byTenant.consume(principal.tenantId);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const seconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      c.header('Retry-After', String(seconds));
      return problem(c, 429, `too many requests; retry after ${seconds} s`, { code: 'rate_limited' });
    }
    await next();
  };
}
