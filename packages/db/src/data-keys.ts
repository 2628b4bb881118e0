/**
 * A service's tenants' wrapped data keys (`@riskloop/crypto` envelope encryption), in a `data_keys` table of
 * the service's own schema. Add `DataKeyEntry` to the service's entities and let the migration tool write
 * the table.
 */
import { defineEntity } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { DataKeyStore, WrappedDataKey } from '@riskloop/crypto';

export const DataKeyEntry = defineEntity({
  name: 'DataKeyEntry',
  tableName: 'data_keys',
  properties: (p) => ({
    tenantId: p.text().primary(),
    masterVersion: p.text(),
    wrapped: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
    rotatedAt: p.datetime().nullable(),
  }),
});

export function pgDataKeyStore(orm: MikroORM, schema: string): DataKeyStore {
  const table = `"${schema}"."data_keys"`;
  const em = () => orm.em.fork();
  const load = async (tenant: string): Promise<WrappedDataKey | undefined> => {
    const rows = await em().execute<{ master_version: string; wrapped: string }[]>(
      `select master_version, wrapped from ${table} where tenant_id = ?`,
      [tenant],
    );
    const row = rows[0];
    return row ? { masterVersion: row.master_version, wrapped: row.wrapped } : undefined;
  };
  return {
    load,
    async create(tenant, key) {
      await em().execute(
        `insert into ${table} (tenant_id, master_version, wrapped) values (?, ?, ?) on conflict do nothing`,
        [tenant, key.masterVersion, key.wrapped],
      );
      return (await load(tenant)) as WrappedDataKey;
    },
    async replace(tenant, from, to) {
      const rows = await em().execute<{ tenant_id: string }[]>(
        `update ${table} set master_version = ?, wrapped = ?, rotated_at = now()
         where tenant_id = ? and wrapped = ? returning tenant_id`,
        [to.masterVersion, to.wrapped, tenant, from.wrapped],
      );
      return rows.length > 0;
    },
    async tenants() {
      const rows = await em().execute<{ tenant_id: string }[]>(`select tenant_id from ${table}`);
      return rows.map((r) => r.tenant_id);
    },
  };
}
