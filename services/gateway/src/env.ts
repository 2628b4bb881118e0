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
  /** Accept http (not only https) JWKS URLs in tenants' OIDC configs: for local identity providers only. */
  OIDC_ALLOW_HTTP: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Where people reach the gateway (e.g. https://riskloop.example.com): the base of preview-link URLs. */
  PUBLIC_URL: z.url().optional(),
});
export type Env = z.infer<typeof Env>;
