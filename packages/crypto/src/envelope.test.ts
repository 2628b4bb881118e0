import { describe, expect, it } from 'vitest';
import {
  createKeyring,
  generateMasterKey,
  memoryDataKeyStore,
  parseMasterKeys,
  SecretError,
} from './envelope.ts';

const v1 = generateMasterKey('v1');
const v2 = generateMasterKey('v2');

describe('envelope encryption', () => {
  it('seals and opens a secret; the stored form hides the plaintext', async () => {
    const keyring = createKeyring(parseMasterKeys(v1), memoryDataKeyStore());
    const sealed = await keyring.seal('t1', 'destinations.jira.token', 'canary-secret');
    expect(sealed).not.toContain('canary');
    expect(await keyring.open('t1', 'destinations.jira.token', sealed)).toBe('canary-secret');
    // A fresh IV each time: sealing twice gives two different ciphertexts.
    expect(await keyring.seal('t1', 'destinations.jira.token', 'canary-secret')).not.toBe(sealed);
  });

  it('binds the tenant and the field: a value copied elsewhere does not open', async () => {
    const store = memoryDataKeyStore();
    const keyring = createKeyring(parseMasterKeys(v1), store);
    const sealed = await keyring.seal('t1', 'a', 'x');
    await expect(keyring.open('t1', 'b', sealed)).rejects.toThrow(SecretError);
    await keyring.seal('t2', 'a', 'y'); // t2 gets its own data key
    await expect(keyring.open('t2', 'a', sealed)).rejects.toThrow(SecretError);
    expect(store.rows.get('t1')?.wrapped).not.toBe(store.rows.get('t2')?.wrapped);
  });

  it('refuses an altered ciphertext', async () => {
    const keyring = createKeyring(parseMasterKeys(v1), memoryDataKeyStore());
    const sealed = await keyring.seal('t1', 'a', 'hello');
    // The second-to-last base64url character carries six bits of the tag: changing it changes the bytes.
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.slice(-1);
    expect(flipped).not.toBe(sealed);
    await expect(keyring.open('t1', 'a', flipped)).rejects.toThrow(SecretError);
  });

  it('rotation re-wraps data keys with the new master key; old secrets still open', async () => {
    const store = memoryDataKeyStore();
    const before = createKeyring(parseMasterKeys(v1), store);
    const sealed = await before.seal('t1', 'a', 'kept');
    const after = createKeyring(parseMasterKeys(`${v1},${v2}`), store);
    expect(await after.rotate()).toEqual({ rewrapped: 1, current: 'v2' });
    expect(store.rows.get('t1')?.masterVersion).toBe('v2');
    expect(await after.rotate()).toEqual({ rewrapped: 0, current: 'v2' });
    // Once rotated, the old master key can be retired.
    const retired = createKeyring(parseMasterKeys(v2), store);
    expect(await retired.open('t1', 'a', sealed)).toBe('kept');
  });

  it('a data key wrapped by a master key that is no longer configured is a clear error', async () => {
    const store = memoryDataKeyStore();
    await createKeyring(parseMasterKeys(v1), store).seal('t1', 'a', 'x');
    await expect(createKeyring(parseMasterKeys(v2), store).seal('t1', 'a', 'y')).rejects.toThrow(
      /master key v1 is not configured/,
    );
  });

  it('refuses malformed master keys', () => {
    expect(() => parseMasterKeys('')).toThrow(/no master key/);
    expect(() => parseMasterKeys('v1:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(parseMasterKeys(`${v1}, ${v2}`).current).toBe('v2');
  });
});
