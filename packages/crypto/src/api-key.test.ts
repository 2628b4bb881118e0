import { describe, expect, test } from 'vitest';
import { generateApiKey, hashSecret, parseApiKey, verifySecret } from './api-key.ts';

describe('api keys', () => {
  test('a generated token parses back to its key id and verifies against the stored hash', () => {
    const key = generateApiKey();
    const parsed = parseApiKey(key.token);

    expect(key.token).toMatch(/^rlk_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$/);
    expect(parsed?.keyId).toBe(key.keyId);
    expect(verifySecret(parsed!.secret, key.secretHash)).toBe(true);
  });

  test('the stored hash is neither the token nor the secret', () => {
    const key = generateApiKey();
    const { secret } = parseApiKey(key.token)!;

    expect(key.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(key.secretHash).not.toContain(secret);
    expect(key.token).not.toContain(key.secretHash);
    expect(key.secretHash).toBe(hashSecret(secret));
  });

  test('every key is different', () => {
    const keys = Array.from({ length: 50 }, generateApiKey);
    expect(new Set(keys.map((k) => k.keyId)).size).toBe(50);
    expect(new Set(keys.map((k) => k.token)).size).toBe(50);
  });

  test('a wrong secret or a malformed hash does not verify', () => {
    const key = generateApiKey();
    const other = parseApiKey(generateApiKey().token)!;
    const { secret } = parseApiKey(key.token)!;

    expect(verifySecret(other.secret, key.secretHash)).toBe(false);
    expect(verifySecret(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`, key.secretHash)).toBe(
      false,
    );
    expect(verifySecret(secret, '')).toBe(false);
    expect(verifySecret(secret, key.secretHash.slice(0, 32))).toBe(false);
    expect(verifySecret(secret, 'not hex at all')).toBe(false);
  });

  test('malformed tokens parse to undefined', () => {
    const { token, keyId } = generateApiKey();
    const secret = token.slice(`rlk_${keyId}_`.length);
    for (const bad of [
      '',
      'rlk_',
      token.slice(0, -1),
      `${token}x`,
      token.replace('rlk_', 'rlx_'),
      ` ${token}`,
      `rlk_${keyId}${secret}`,
      `rlk_${keyId.slice(1)}_${secret}`,
      `Bearer ${token}`,
      `rlk_${keyId}_${secret.slice(0, -1)}=`,
    ]) {
      expect(parseApiKey(bad)).toBeUndefined();
    }
  });
});
