/** Tenants and API keys: create a tenant with its first admin key; find the principal behind a key. */
import type { MikroORM } from '@mikro-orm/postgresql';
import { generateApiKey, parseApiKey, verifySecret } from '@riskloop/crypto';
import { Role, type ApiKeyView, type CreateApiKeyBody } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { randomUUID } from 'node:crypto';
import { ApiKey, Tenant } from './db/entities.ts';
import { appendAudit } from './audit/log.ts';
import type { OidcVerifier } from './oidc.ts';

export interface Principal {
  tenantId: string;
  keyId: string;
  role: string;
  /** The person behind the key, when it is a person's key. */
  user?: string;
  groups: string[];
  /** How the principal appears in change logs and run records: `user:<id>`, else `key:<id>`. */
  actor: string;
}

export interface CreatedTenant {
  tenantId: string;
  name: string;
  keyId: string;
  /** The admin API key: shown once, stored only as a hash. */
  apiKey: string;
}

export async function createTenant(orm: MikroORM, name: string): Promise<CreatedTenant> {
  const em = orm.em.fork();
  if (await em.findOne(Tenant, { name })) throw RiskloopError.conflict(`tenant ${name} already exists`);
  const tenantId = randomUUID();
  const key = generateApiKey();
  const now = new Date();
  await em.transactional(async (tx) => {
    await tx.insert(Tenant, { id: tenantId, name, createdAt: now });
    await tx.insert(ApiKey, {
      keyId: key.keyId,
      tenantId,
      name: 'admin',
      role: 'admin',
      userId: null,
      groups: [],
      secretHash: key.secretHash,
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
    });
  });
  await appendAudit(orm, {
    tenantId,
    actor: 'cli',
    action: 'tenant.create',
    target: `tenant:${tenantId}`,
    outcome: 'success',
    details: { name, adminKeyId: key.keyId },
  });
  return { tenantId, name, keyId: key.keyId, apiKey: key.token };
}

/** A new API key of the tenant; the token is returned once. */
export async function createApiKey(
  orm: MikroORM,
  tenantId: string,
  body: CreateApiKeyBody,
): Promise<ApiKeyView & { apiKey: string }> {
  const key = generateApiKey();
  const now = new Date();
  await orm.em.fork().insert(ApiKey, {
    keyId: key.keyId,
    tenantId,
    name: body.name,
    role: body.role,
    userId: body.user ?? null,
    groups: body.groups,
    secretHash: key.secretHash,
    createdAt: now,
    lastUsedAt: null,
    revokedAt: null,
  });
  return {
    keyId: key.keyId,
    name: body.name,
    role: body.role,
    user: body.user ?? null,
    groups: body.groups,
    createdAt: now.toISOString(),
    lastUsedAt: null,
    revokedAt: null,
    apiKey: key.token,
  };
}

export async function listApiKeys(orm: MikroORM, tenantId: string): Promise<ApiKeyView[]> {
  const keys = await orm.em.fork().find(ApiKey, { tenantId }, { orderBy: { createdAt: 'asc' } });
  return keys.map((k) => ({
    keyId: k.keyId,
    name: k.name,
    role: Role.parse(k.role),
    user: k.userId ?? null,
    groups: k.groups,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  }));
}

/** Revoke a key: refused at once by this copy, within the authenticator's cache time by others. */
export async function revokeApiKey(orm: MikroORM, tenantId: string, keyId: string): Promise<void> {
  const em = orm.em.fork();
  const key = await em.findOne(ApiKey, { keyId, tenantId });
  if (!key) throw RiskloopError.notFound('api key', keyId);
  if (key.revokedAt) throw RiskloopError.conflict(`api key ${keyId} is already revoked`);
  key.revokedAt = new Date();
  await em.flush();
}

export interface AuthenticatorOptions {
  orm: MikroORM;
  /** People's bearer JWTs (OIDC); without it only API keys are accepted. */
  oidc?: OidcVerifier;
  /** How long a verified key is trusted without a database read (revocation takes this long at most). */
  cacheMs?: number;
}

export function createAuthenticator(options: AuthenticatorOptions) {
  const cacheMs = options.cacheMs ?? 5_000;
  const cache = new Map<string, { principal: Principal; until: number }>();

  return async function authenticate(authorization: string | undefined): Promise<Principal> {
    const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw RiskloopError.unauthorized('send Authorization: Bearer <api key or token>');
    const cached = cache.get(token);
    if (cached && cached.until > Date.now()) return cached.principal;
    // A JWT (three dot-separated parts) is a person's token from the tenant's identity provider.
    if (options.oidc && token.split('.').length === 3 && !token.startsWith('rlk_'))
      return options.oidc(token);
    const parts = parseApiKey(token);
    if (!parts) throw RiskloopError.unauthorized('the API key is not valid');
    const em = options.orm.em.fork();
    const key = await em.findOne(ApiKey, { keyId: parts.keyId, revokedAt: null });
    if (!key || !verifySecret(parts.secret, key.secretHash))
      throw RiskloopError.unauthorized('the API key is not valid');
    key.lastUsedAt = new Date();
    await em.flush();
    const principal: Principal = {
      tenantId: key.tenantId,
      keyId: key.keyId,
      role: key.role,
      ...(key.userId ? { user: key.userId } : {}),
      groups: key.groups,
      actor: key.userId ? `user:${key.userId}` : `key:${key.keyId}`,
    };
    cache.set(token, { principal, until: Date.now() + cacheMs });
    return principal;
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
