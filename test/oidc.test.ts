/**
 * People's bearer tokens (OIDC): a local JWKS server on a free port, tokens signed here with jose. The
 * tenant comes from the token's signed issuer and audience only; claims map to user, groups and role.
 */
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../services/gateway/src/tenants.ts';
import { startInProcessGateway, type InProcessGateway } from './fixtures/gateway-in-process.ts';

let gw: InProcessGateway;
let jwksServer: Server;
let jwksUrl = '';
let jwksFetches = 0;
let globex: { tenantId: string; apiKey: string };
const idp = await generateKeyPair('RS256');
const stranger = await generateKeyPair('RS256');
const issuer = 'https://idp.acme.test';
const audience = 'riskloop-acme';

beforeAll(async () => {
  gw = await startInProcessGateway();
  globex = await createTenant(gw.orm, 'globex');
  const jwk = { ...(await exportJWK(idp.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwksServer = createServer((req, res) => {
    jwksFetches++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
});
afterAll(async () => {
  await new Promise((resolve) => jwksServer.close(resolve));
  await gw?.close();
});

async function sign(
  claims: JWTPayload,
  options: { iss?: string; aud?: string; exp?: string | number; key?: Parameters<SignJWT['sign']>[0] } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(options.iss ?? issuer)
    .setAudience(options.aud ?? audience)
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '5m')
    .sign(options.key ?? idp.privateKey);
}

const call = (path: string, token: string, init: RequestInit = {}) =>
  gw.app.request(path, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });

const configure = (key: string, body: Record<string, unknown>) =>
  call('/api/oidc-config', key, { method: 'PUT', body: JSON.stringify(body) });

describe('OIDC bearer tokens', () => {
  it('is configured per tenant by an admin only, with an https JWKS URL unless http is allowed', async () => {
    const refused = await configure(gw.keys.author, { issuer, audience, jwksUrl });
    expect(refused.status).toBe(403);
    const set = await configure(gw.keys.admin, {
      issuer,
      audience,
      jwksUrl,
      roleMap: { 'grc-approvers': 'approver', 'grc-admins': 'admin' },
    });
    expect(set.status, await set.clone().text()).toBe(200);
    expect(await set.json()).toMatchObject({ issuer, audience, userClaim: 'sub', roleClaim: 'roles' });
    const read = await call('/api/oidc-config', gw.keys.auditor);
    expect(((await read.json()) as { jwksUrl: string }).jwksUrl).toBe(jwksUrl);
    // Another tenant cannot claim the same issuer and audience.
    const clash = await configure(globex.apiKey, { issuer, audience, jwksUrl });
    expect(clash.status).toBe(409);
  });

  it('maps claims to user, groups and the most privileged mapped role', async () => {
    const token = await sign({ sub: 'dana', groups: ['secops', 'it'], roles: ['staff', 'grc-approvers'] });
    const me = await call('/api/me', token, { headers: { 'x-tenant-id': globex.tenantId } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({
      tenantId: gw.tenantId,
      role: 'approver',
      user: 'dana',
      groups: ['secops', 'it'],
      actor: 'user:dana',
      credential: 'oidc',
    });
    // The role decides: an approver may not list API keys, an admin may.
    expect((await call('/api/api-keys', token)).status).toBe(403);
    const admin = await sign({ sub: 'erin', roles: ['grc-admins', 'grc-approvers'] });
    expect((await call('/api/api-keys', admin)).status).toBe(200);
    expect(jwksFetches).toBeGreaterThan(0);
  });

  it('refuses wrong audience, wrong issuer, expiry, a foreign key, alg none and a token with no role', async () => {
    const bad = [
      await sign({ sub: 'x', roles: ['admin'] }, { aud: 'someone-else' }),
      await sign({ sub: 'x', roles: ['admin'] }, { iss: 'https://evil.test' }),
      await sign({ sub: 'x', roles: ['admin'] }, { exp: Math.floor(Date.now() / 1000) - 120 }),
      await sign({ sub: 'x', roles: ['admin'] }, { key: stranger.privateKey }),
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({ sub: 'x', roles: ['admin'], iss: issuer, aud: audience, exp: 9e9 }),
      ).toString('base64url')}.`,
      await sign({ sub: 'x' }),
      await sign({ roles: ['admin'] }),
      'not.a.jwt',
    ];
    for (const token of bad) {
      const response = await call('/api/me', token);
      expect(response.status, token).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('gives a default role when the tenant names one', async () => {
    await configure(gw.keys.admin, { issuer, audience, jwksUrl, defaultRole: 'viewer' });
    const me = await call('/api/me', await sign({ sub: 'frank' }));
    expect(((await me.json()) as { role: string }).role).toBe('viewer');
  });

  it('sends each tenant its own people: the audience selects the tenant', async () => {
    const set = await configure(globex.apiKey, { issuer, audience: 'riskloop-globex', jwksUrl });
    expect(set.status).toBe(200);
    const token = await sign({ sub: 'gina', roles: ['auditor'] }, { aud: 'riskloop-globex' });
    const me = (await (await call('/api/me', token)).json()) as { tenantId: string; role: string };
    expect(me).toMatchObject({ tenantId: globex.tenantId, role: 'auditor' });
  });

  it('stops accepting tokens when the config is deleted', async () => {
    const token = await sign({ sub: 'dana', roles: ['grc-approvers'] });
    expect((await call('/api/me', token)).status).toBe(200);
    expect((await call('/api/oidc-config', gw.keys.admin, { method: 'DELETE' })).status).toBe(204);
    expect((await call('/api/me', token)).status).toBe(401);
  });

  it('refuses a plain http JWKS URL when http is not allowed', async () => {
    const strict = gw.build({ oidcAllowHttp: false });
    const response = await strict.request('/api/oidc-config', {
      method: 'PUT',
      headers: { authorization: `Bearer ${gw.keys.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ issuer, audience, jwksUrl }),
    });
    expect(response.status).toBe(422);
  });
});
