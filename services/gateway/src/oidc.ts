/**
 * People sign in with bearer JWTs from their tenant's identity provider (OIDC). The tenant comes from the
 * token alone: its signed `iss` and `aud` select the one tenant configured for them, and the signature must
 * verify against that tenant's JWKS (fetched with jose's `createRemoteJWKSet`, cached per URL). Claims map
 * to the principal's user, groups and role.
 */
import type { InferEntity } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { roles, type OidcConfigBody, type OidcConfigView, type Role } from '@riskloop/contracts';
import { RiskloopError, systemScope, tenantScope } from '@riskloop/kit';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { OidcConfig } from './db/entities.ts';
import type { Principal } from './tenants.ts';

type OidcConfigRow = InferEntity<typeof OidcConfig>;

export interface OidcOptions {
  orm: MikroORM;
  /** Accept `http:` JWKS URLs (local development and tests); production identity providers use https. */
  allowHttp?: boolean;
  /** How long configs are trusted without a database read. */
  cacheMs?: number;
}

const toView = (row: OidcConfigRow): OidcConfigView => ({
  issuer: row.issuer,
  audience: row.audience,
  jwksUrl: row.jwksUrl,
  userClaim: row.userClaim,
  groupsClaim: row.groupsClaim,
  roleClaim: row.roleClaim,
  roleMap: row.roleMap as Record<string, Role>,
  defaultRole: (row.defaultRole as Role | null) ?? null,
  updatedAt: row.updatedAt.toISOString(),
  updatedBy: row.updatedBy,
});

export async function getOidcConfig(orm: MikroORM, tenantId: string): Promise<OidcConfigView> {
  const row = await orm.em.fork().findOne(OidcConfig, { tenantId });
  if (!row) throw RiskloopError.notFound('oidc config', tenantId);
  return toView(row);
}

export async function putOidcConfig(
  orm: MikroORM,
  tenantId: string,
  actor: string,
  body: OidcConfigBody,
  allowHttp: boolean,
): Promise<OidcConfigView> {
  const url = new URL(body.jwksUrl);
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:'))
    throw RiskloopError.invalid('jwksUrl must be an https URL', 'jwksUrl');
  const em = orm.em.fork();
  // An issuer and audience select one tenant, so this looks across tenants: the system scope, on purpose
  // (row-level security would hide the other tenant's row and leave the unique key to fail instead).
  const taken = await tenantScope.run(systemScope, () =>
    em.findOne(OidcConfig, { issuer: body.issuer, audience: body.audience, tenantId: { $ne: tenantId } }),
  );
  if (taken) throw RiskloopError.conflict('another tenant already uses this issuer and audience');
  const row = {
    tenantId,
    issuer: body.issuer,
    audience: body.audience,
    jwksUrl: body.jwksUrl,
    userClaim: body.userClaim,
    groupsClaim: body.groupsClaim,
    roleClaim: body.roleClaim,
    roleMap: body.roleMap,
    defaultRole: body.defaultRole ?? null,
    updatedAt: new Date(),
    updatedBy: actor,
  };
  await em.upsert(OidcConfig, row);
  return toView(row);
}

export async function deleteOidcConfig(orm: MikroORM, tenantId: string): Promise<void> {
  const deleted = await orm.em.fork().nativeDelete(OidcConfig, { tenantId });
  if (deleted === 0) throw RiskloopError.notFound('oidc config', tenantId);
}

/** The most privileged riskloop role among the claim's values (after `roleMap`), else the default. */
export function roleFromClaim(value: unknown, roleMap: Record<string, string>, fallback: string | null) {
  const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  const granted = new Set(values.map((v) => roleMap[v] ?? v));
  return roles.find((r) => granted.has(r)) ?? (fallback as Role | null);
}

function principalOf(config: OidcConfigRow, claims: JWTPayload): Principal {
  const user = claims[config.userClaim];
  if (typeof user !== 'string' || !/^[A-Za-z0-9._@+|:-]{1,200}$/.test(user))
    throw RiskloopError.unauthorized(`the token's ${config.userClaim} claim does not name a user`);
  const rawGroups = claims[config.groupsClaim];
  const groups = (Array.isArray(rawGroups) ? rawGroups : rawGroups === undefined ? [] : [rawGroups])
    .filter((g): g is string => typeof g === 'string')
    .slice(0, 50);
  const role = roleFromClaim(claims[config.roleClaim], config.roleMap, config.defaultRole ?? null);
  if (!role) throw RiskloopError.unauthorized('the token grants no riskloop role');
  return { tenantId: config.tenantId, keyId: 'oidc', role, user, groups, actor: `user:${user}` };
}

export function createOidcVerifier(options: OidcOptions) {
  const cacheMs = options.cacheMs ?? 5_000;
  const configs = new Map<string, { rows: OidcConfigRow[]; until: number }>();
  const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
  const keySetOf = (url: string) => {
    let set = keySets.get(url);
    if (!set) {
      set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
      keySets.set(url, set);
    }
    return set;
  };
  const configsFor = async (issuer: string) => {
    const cached = configs.get(issuer);
    if (cached && cached.until > Date.now()) return cached.rows;
    const rows = await options.orm.em.fork().find(OidcConfig, { issuer });
    configs.set(issuer, { rows, until: Date.now() + cacheMs });
    return rows;
  };

  return async function verify(token: string): Promise<Principal> {
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw RiskloopError.unauthorized('the bearer token is neither an API key nor a JWT');
    }
    if (typeof issuer !== 'string') throw RiskloopError.unauthorized('the token names no issuer');
    for (const config of await configsFor(issuer)) {
      try {
        const { payload } = await jwtVerify(token, keySetOf(config.jwksUrl), {
          issuer: config.issuer,
          audience: config.audience,
          requiredClaims: ['exp'],
          clockTolerance: 30,
        });
        return principalOf(config, payload);
      } catch (error) {
        if (error instanceof RiskloopError) throw error;
        // Not this tenant's token (audience, key) or not valid: try the next config with this issuer.
      }
    }
    throw RiskloopError.unauthorized('the token is not valid for any tenant');
  };
}

export type OidcVerifier = ReturnType<typeof createOidcVerifier>;
