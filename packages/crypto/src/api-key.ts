/**
 * API keys: `rlk_<keyId>_<secret>`. The key id finds the row; only a SHA-256 of the secret is stored
 * (the secret has 256 bits of entropy, so a slow hash adds nothing), compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface GeneratedApiKey {
  keyId: string;
  /** Shown to the user once; never stored. */
  token: string;
  secretHash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const keyId = randomBytes(9).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, token: `rlk_${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

/** Split a presented token; undefined when it is not shaped like one of ours. */
export function parseApiKey(token: string): { keyId: string; secret: string } | undefined {
  const match = /^rlk_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match?.[1] || !match[2]) return undefined;
  return { keyId: match[1], secret: match[2] };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function verifySecret(secret: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
