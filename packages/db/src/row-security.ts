/**
 * PostgreSQL row-level security, the second wall between tenants (the first: every query names its
 * tenant). Each service's tables that hold a tenant's rows get a policy that shows and accepts only rows
 * of the tenant in `riskloop.tenant`, with `FORCE ROW LEVEL SECURITY` so that not even the tables' owner is
 * exempt. Services work as the role `riskloop_app`, which owns no table and may not bypass RLS; every
 * connection they take from the pool is first set to the tenant of the work at hand (`tenantScope`): a
 * transaction runs for one tenant from its start. Background work that serves every tenant (reconcilers,
 * timers, schedules) runs in the system scope `*`, which the policies let through.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { tenantScope } from '@riskloop/kit';
import type pg from 'pg';

export const appRole = 'riskloop_app';
export const tenantSetting = 'riskloop.tenant';

/** Tables whose tenant is in a column other than `tenant_id`. */
const tenantColumns: Record<string, string> = { 'gateway.tenants': 'id' };

const rowsOfScope = (column: string) =>
  `("${column}"::text = current_setting('${tenantSetting}', true) or current_setting('${tenantSetting}', true) = '*')`;

/**
 * The role, its grants on `schema`, and a tenant policy on every table of `schema` with a tenant column.
 * Idempotent; run by the migrating connection (the tables' owner) after each service's migrations, so a
 * table added by a later migration is covered when it is created.
 */
export async function ensureRowSecurity(client: pg.Client, schema: string): Promise<string[]> {
  await client.query(`do $$ begin create role ${appRole} nologin;
    exception when duplicate_object or unique_violation then null; end $$`);
  await client.query(`grant usage on schema "${schema}" to ${appRole}`);
  await client.query(
    `grant select, insert, update, delete on all tables in schema "${schema}" to ${appRole}`,
  );
  await client.query(`grant usage, select on all sequences in schema "${schema}" to ${appRole}`);
  const { rows } = await client.query<{ name: string; tenant: string | null }>(
    `select t.table_name as name, c.column_name as tenant
     from information_schema.tables t
     left join information_schema.columns c
       on c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'tenant_id'
     where t.table_schema = $1 and t.table_type = 'BASE TABLE'`,
    [schema],
  );
  const guarded: string[] = [];
  for (const row of rows) {
    const column = tenantColumns[`${schema}.${row.name}`] ?? row.tenant;
    if (!column) continue;
    const table = `"${schema}"."${row.name}"`;
    await client.query(`alter table ${table} enable row level security`);
    await client.query(`alter table ${table} force row level security`);
    await client.query(`drop policy if exists tenant_isolation on ${table}`);
    await client.query(
      `create policy tenant_isolation on ${table} using ${rowsOfScope(column)} with check ${rowsOfScope(column)}`,
    );
    guarded.push(row.name);
  }
  return guarded;
}

interface PooledConnection {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

interface KnexClient {
  acquireConnection(): Promise<PooledConnection>;
  releaseConnection(connection: PooledConnection): Promise<unknown>;
}

/**
 * From now on, every connection the ORM takes from its pool works as `riskloop_app` and for the tenant of
 * the current scope (one round trip when a connection changes role or tenant; none when it is already
 * set). Call after migrating: migrations run as the owner.
 */
export function scopeToTenants(orm: MikroORM): void {
  const client = orm.em.getConnection().getKnex().client as KnexClient;
  const acquire = client.acquireConnection.bind(client);
  const scopeOf = new WeakMap<PooledConnection, string>();
  client.acquireConnection = async () => {
    const connection = await acquire();
    const tenant = tenantScope.current();
    const current = scopeOf.get(connection);
    if (current === tenant) return connection;
    try {
      if (current === undefined)
        await connection.query(`select set_config('role', $1, false), set_config($2, $3, false)`, [
          appRole,
          tenantSetting,
          tenant,
        ]);
      else await connection.query(`select set_config($1, $2, false)`, [tenantSetting, tenant]);
    } catch (error) {
      await client.releaseConnection(connection);
      throw error;
    }
    scopeOf.set(connection, tenant);
    return connection;
  };
}
