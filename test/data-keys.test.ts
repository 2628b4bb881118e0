/**
 * Envelope encryption's PostgreSQL key store: two service copies racing to create a tenant's data key end
 * up with one key (secrets sealed by either open in both), and rotation re-wraps it in place.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { createKeyring, generateMasterKey, parseMasterKeys } from '@riskloop/crypto';
import { createOrm, pgDataKeyStore } from '@riskloop/db';
import { createTestDatabase, type TestDatabase } from '@riskloop/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

const schema = 'svc';
let db: TestDatabase;
let orm: MikroORM;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.query(`create schema ${schema}`);
  await db.query(
    `create table ${schema}.data_keys (tenant_id text primary key, master_version text not null,
       wrapped text not null, created_at timestamptz not null default now(), rotated_at timestamptz null)`,
  );
  orm = await createOrm({ url: db.url, schema, entities: [], migrations: [] });
});

afterAll(async () => {
  await orm.close();
  await db.drop();
});

it('two copies creating the same tenant key at once share one key', async () => {
  const master = parseMasterKeys(generateMasterKey('v1'));
  const a = createKeyring(master, pgDataKeyStore(orm, schema));
  const b = createKeyring(master, pgDataKeyStore(orm, schema));
  const [fromA, fromB] = await Promise.all([a.seal('t1', 'f', 'one'), b.seal('t1', 'f', 'two')]);
  expect(await b.open('t1', 'f', fromA)).toBe('one');
  expect(await a.open('t1', 'f', fromB)).toBe('two');
  expect(await db.query(`select tenant_id from ${schema}.data_keys`)).toHaveLength(1);
});

it('rotation re-wraps stored keys under the new master version', async () => {
  const v1 = generateMasterKey('r1');
  const v2 = generateMasterKey('r2');
  const before = createKeyring(parseMasterKeys(v1), pgDataKeyStore(orm, schema));
  await db.query(`delete from ${schema}.data_keys`);
  const sealed = await before.seal('t2', 'f', 'kept');
  const after = createKeyring(parseMasterKeys(`${v1},${v2}`), pgDataKeyStore(orm, schema));
  expect((await after.rotate()).rewrapped).toBe(1);
  const rows = await db.query<{ master_version: string; rotated_at: Date | null }>(
    `select master_version, rotated_at from ${schema}.data_keys where tenant_id = 't2'`,
  );
  expect(rows[0]?.master_version).toBe('r2');
  expect(rows[0]?.rotated_at).not.toBeNull();
  expect(await createKeyring(parseMasterKeys(v2), pgDataKeyStore(orm, schema)).open('t2', 'f', sealed)).toBe(
    'kept',
  );
});
