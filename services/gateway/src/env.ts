/** Gateway configuration. */
import { CommonEnv } from '@riskloop/runtime';
import { z } from 'zod';

export const Env = CommonEnv.extend({
  /** HTTP port of the public API. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Interface to listen on. */
  HOST: z.string().default('0.0.0.0'),
  /** Largest request body accepted, in bytes; larger ones get 413. */
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /**
   * Seed of the tenants' evidence-pack signing keys (Ed25519, one per tenant, derived with HKDF): base64 of
   * 32+ random bytes. Unset: the first RISKLOOP_MASTER_KEYS entry is the seed. Set it in production, and
   * keep it: packs signed under a seed verify only with that seed's public keys.
   */
  RISKLOOP_EVIDENCE_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length >= 32, 'RISKLOOP_EVIDENCE_KEY must be base64 of 32+ bytes')
    .optional(),
  /** Master keys (see the relay); read here only as the fallback evidence seed. */
  RISKLOOP_MASTER_KEYS: z.string().optional(),
  /** Accept http (not only https) JWKS URLs in tenants' OIDC configs: for local identity providers only. */
  OIDC_ALLOW_HTTP: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Requests per second one API key or token may make to `/api` (per gateway copy); over it is 429. */
  RATE_LIMIT_PER_KEY: z.coerce.number().int().min(1).default(100),
  /** Requests per second all of one tenant's credentials together may make (per gateway copy). */
  RATE_LIMIT_PER_TENANT: z.coerce.number().int().min(1).default(300),
  /** Where people reach the gateway (e.g. https://riskloop.example.com): the base of preview-link URLs. */
  PUBLIC_URL: z.url().optional(),
});
export type Env = z.infer<typeof Env>;
