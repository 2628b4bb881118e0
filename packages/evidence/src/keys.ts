/**
 * Per-tenant Ed25519 signing keys, derived from one secret seed with HKDF-SHA256 (info = the tenant id):
 * nothing to store, the same key on every gateway copy, and a different key per tenant. The public key is
 * a JWK whose `kid` is its RFC 7638 thumbprint.
 */
import { calculateJwkThumbprint, type JWK } from 'jose';
import { createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from 'node:crypto';

export interface TenantKey {
  privateKey: KeyObject;
  publicJwk: JWK & { kid: string };
}

/** The PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows it. */
const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * @example const key = await tenantKey(Buffer.alloc(32, 1), 't1'); key.publicJwk.crv // 'Ed25519'
 */
export async function tenantKey(seed: Buffer, tenant: string): Promise<TenantKey> {
  if (seed.length < 32) throw new Error('the evidence key seed must be at least 32 bytes');
  const raw = Buffer.from(hkdfSync('sha256', seed, 'riskloop-evidence-v1', `tenant:${tenant}`, 32));
  const privateKey = createPrivateKey({
    key: Buffer.concat([pkcs8Prefix, raw]),
    format: 'der',
    type: 'pkcs8',
  });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, alg: 'EdDSA', use: 'sig' } as JWK;
  return { privateKey, publicJwk: { ...publicJwk, kid: await calculateJwkThumbprint(publicJwk) } };
}
