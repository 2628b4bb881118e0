/** Roles, and the API-key management bodies. The role x route matrix lives next to the gateway's routes. */
import { z } from 'zod';

export const roles = ['admin', 'author', 'approver', 'operator', 'auditor', 'viewer'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

/** `POST /api/api-keys`: a key for a person (with `user` and `groups`) or for a service. */
export const CreateApiKeyBody = z.strictObject({
  name: z.string().min(1).max(200),
  role: Role,
  user: z
    .string()
    .regex(/^[A-Za-z0-9._@+-]{1,200}$/, 'a user id is letters, digits and . _ @ + -')
    .optional(),
  groups: z
    .array(z.string().regex(/^[A-Za-z0-9._-]{1,100}$/))
    .max(50)
    .default([]),
});
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export const ApiKeyView = z.object({
  keyId: z.string(),
  name: z.string(),
  role: Role,
  user: z.string().nullable(),
  groups: z.array(z.string()),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;

/**
 * `PUT /api/oidc-config`: people sign in with bearer JWTs from the tenant's identity provider. A token is
 * accepted when its signature verifies against `jwksUrl` and its `iss` and `aud` are these; its claims name
 * the user, their groups and their role (`roleMap` renames the provider's values to riskloop roles).
 */
export const OidcConfigBody = z.strictObject({
  issuer: z.string().min(1).max(500),
  audience: z.string().min(1).max(500),
  jwksUrl: z.url().max(2000),
  userClaim: z.string().min(1).max(100).default('sub'),
  groupsClaim: z.string().min(1).max(100).default('groups'),
  roleClaim: z.string().min(1).max(100).default('roles'),
  roleMap: z.record(z.string().max(200), Role).default({}),
  /** The role of a person whose token names none (absent: such a token is refused). */
  defaultRole: Role.optional(),
});
export type OidcConfigBody = z.infer<typeof OidcConfigBody>;

export const OidcConfigView = OidcConfigBody.extend({
  defaultRole: Role.nullable(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type OidcConfigView = z.infer<typeof OidcConfigView>;
