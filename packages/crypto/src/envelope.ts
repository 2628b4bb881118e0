/**
 * Envelope encryption for every stored secret (relay credentials, inbound webhook secrets, KRI-source
 * credentials). Each tenant has one random 256-bit data key; it is stored only wrapped (AES-256-GCM) by a
 * master key from the environment, with the master key's version beside it. A secret is sealed with the
 * tenant's data key and bound to `tenant` and `field` as associated data, so a sealed value copied to
 * another tenant or field does not open. Rotating the master key re-wraps data keys; sealed secrets are
 * untouched, so rotation needs no downtime and no re-encryption of data.
 *
 * `RISKLOOP_MASTER_KEYS` = `v1:<base64 of 32 bytes>,v2:<...>`: every listed version can unwrap; the last
 * one wraps new and rotated keys.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface MasterKeys {
  /** The version that wraps new and rotated data keys. */
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** A tenant's data key as stored: which master key wrapped it, and the wrapped bytes (base64url). */
export interface WrappedDataKey {
  masterVersion: string;
  wrapped: string;
}

/** Where a service keeps its tenants' wrapped data keys (a table of its own schema). */
export interface DataKeyStore {
  load(tenant: string): Promise<WrappedDataKey | undefined>;
  /** Insert unless one exists; returns the key that is stored afterwards (a concurrent writer may win). */
  create(tenant: string, key: WrappedDataKey): Promise<WrappedDataKey>;
  /** Compare-and-swap for rotation: false when the stored key is no longer `from`. */
  replace(tenant: string, from: WrappedDataKey, to: WrappedDataKey): Promise<boolean>;
  tenants(): Promise<string[]>;
}

export class SecretError extends Error {
  override name = 'SecretError';
}

const sealedPrefix = 'rls1';

export function parseMasterKeys(value: string | undefined): MasterKeys {
  const entries = (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (entries.length === 0)
    throw new SecretError('no master key: set RISKLOOP_MASTER_KEYS=v1:<base64 32 bytes>');
  const keys = new Map<string, Buffer>();
  for (const entry of entries) {
    const match = /^([A-Za-z0-9_-]{1,32}):(.+)$/.exec(entry);
    const key = match?.[2] ? Buffer.from(match[2], 'base64') : undefined;
    if (!match?.[1] || key?.length !== 32)
      throw new SecretError('each master key is <version>:<base64 of exactly 32 bytes>');
    keys.set(match[1], key);
  }
  return { current: [...keys.keys()].at(-1) as string, keys };
}

/** A new master key entry for `RISKLOOP_MASTER_KEYS`. */
export function generateMasterKey(version: string): string {
  return `${version}:${randomBytes(32).toString('base64')}`;
}

function encrypt(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

function decrypt(key: Buffer, sealed: string, aad: string): Buffer {
  const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !tag || !body || iv.length !== 12 || tag.length !== 16)
    throw new SecretError('malformed ciphertext');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new SecretError('the secret does not open: wrong key, tenant or field, or it was altered');
  }
}

const dataKeyAad = (tenant: string, version: string) => `riskloop:data-key:${tenant}:${version}`;
const secretAad = (tenant: string, field: string) => `riskloop:secret:${tenant}:${field}`;

export function createKeyring(master: MasterKeys, store: DataKeyStore) {
  const masterKey = (version: string) => {
    const key = master.keys.get(version);
    if (!key) throw new SecretError(`master key ${version} is not configured`);
    return key;
  };
  const wrap = (tenant: string, dataKey: Buffer): WrappedDataKey => ({
    masterVersion: master.current,
    wrapped: encrypt(masterKey(master.current), dataKey, dataKeyAad(tenant, master.current)),
  });
  const unwrap = (tenant: string, key: WrappedDataKey) =>
    decrypt(masterKey(key.masterVersion), key.wrapped, dataKeyAad(tenant, key.masterVersion));

  // Unwrapped data keys, per process: a tenant's key never changes, only its wrapping does.
  const cache = new Map<string, Buffer>();
  const dataKey = async (tenant: string): Promise<Buffer> => {
    const cached = cache.get(tenant);
    if (cached) return cached;
    const stored = (await store.load(tenant)) ?? (await store.create(tenant, wrap(tenant, randomBytes(32))));
    const key = unwrap(tenant, stored);
    if (cache.size >= 10_000) cache.delete(cache.keys().next().value as string);
    cache.set(tenant, key);
    return key;
  };

  return {
    /** Encrypt `plaintext` for `tenant`'s `field` (e.g. `destinations.jira.api_token`). */
    async seal(tenant: string, field: string, plaintext: string): Promise<string> {
      const key = await dataKey(tenant);
      return `${sealedPrefix}.${encrypt(key, Buffer.from(plaintext, 'utf8'), secretAad(tenant, field))}`;
    },

    async open(tenant: string, field: string, sealed: string): Promise<string> {
      if (!sealed.startsWith(`${sealedPrefix}.`)) throw new SecretError('not a sealed secret');
      const key = await dataKey(tenant);
      return decrypt(key, sealed.slice(sealedPrefix.length + 1), secretAad(tenant, field)).toString('utf8');
    },

    /**
     * Re-wrap every tenant's data key with the current master key. Safe while services run: a copy that
     * cached the old wrapping still holds the same data key. Returns how many keys were re-wrapped.
     */
    async rotate(): Promise<{ rewrapped: number; current: string }> {
      let rewrapped = 0;
      for (const tenant of await store.tenants()) {
        const stored = await store.load(tenant);
        if (!stored || stored.masterVersion === master.current) continue;
        if (await store.replace(tenant, stored, wrap(tenant, unwrap(tenant, stored)))) rewrapped += 1;
      }
      return { rewrapped, current: master.current };
    },
  };
}

export type Keyring = ReturnType<typeof createKeyring>;

/** Whether a string is a sealed secret (to refuse storing plaintext where a sealed value belongs). */
export const isSealed = (value: string) => value.startsWith(`${sealedPrefix}.`);

/** A process-local store, for tests and tools; services keep keys in their own table. */
export function memoryDataKeyStore(): DataKeyStore & { rows: Map<string, WrappedDataKey> } {
  const rows = new Map<string, WrappedDataKey>();
  return {
    rows,
    load: (tenant) => Promise.resolve(rows.get(tenant)),
    create: (tenant, key) => {
      if (!rows.has(tenant)) rows.set(tenant, key);
      return Promise.resolve(rows.get(tenant) as WrappedDataKey);
    },
    replace: (tenant, from, to) => {
      const current = rows.get(tenant);
      if (current?.wrapped !== from.wrapped) return Promise.resolve(false);
      rows.set(tenant, to);
      return Promise.resolve(true);
    },
    tenants: () => Promise.resolve([...rows.keys()]),
  };
}
