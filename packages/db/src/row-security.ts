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

type QueryCallback = (error: Error | null, result: unknown) => void;

interface PooledConnection {
  query(config: unknown, callback?: QueryCallback): unknown;
}

interface KnexClient {
  acquireConnection(): Promise<PooledConnection>;
  releaseConnection(connection: PooledConnection): Promise<unknown>;
}

const beginsTransaction = /^\s*(begin|start\s+transaction)\b/i;

/** `SELECT set_config(…)` for the tenant, as a literal (it travels in front of the caller's text). */
const setTenantSql = (tenant: string, local: boolean) =>
  `select set_config('${tenantSetting}', '${tenant.replaceAll("'", "''")}', ${local})`;

/**
 * From now on, every connection the ORM takes from its pool works as `riskloop_app` and for the tenant of
 * the current scope. A new connection is set up by one round trip of its own. A connection that last
 * served another tenant costs no round trip: the setting travels in front of the first statement (the
 * ORM sends its statements as simple queries, which may hold several), as `select set_config(…); <stmt>`.
 * In front of `BEGIN` it goes after it, local to the transaction (a rollback would otherwise undo it
 * unseen); in front of an autocommit statement it stays for the session when the statement succeeds, and
 * a failed one leaves the connection to be set up again. A statement with bound parameters (the extended
 * protocol holds one statement) gets the setting by a round trip first.
 */
export function scopeToTenants(orm: MikroORM): void {
  const client = orm.em.getConnection().getKnex().client as KnexClient;
  const acquire = client.acquireConnection.bind(client);
  /** The tenant each connection's session is set to; absent: not set up (or unknown after a failure). */
  const scopeOf = new WeakMap<PooledConnection, string>();
  /** The tenant the next statement on a connection must run for, when its session is set to another. */
  const pendingOf = new WeakMap<PooledConnection, string>();
  const wrapped = new WeakSet<PooledConnection>();

  const wrap = (connection: PooledConnection) => {
    const query = connection.query.bind(connection);
    connection.query = (config: unknown, callback?: QueryCallback) => {
      const tenant = pendingOf.get(connection);
      if (tenant === undefined) return query(config, callback);
      pendingOf.delete(connection);
      const text = (config as { text?: unknown } | undefined)?.text;
      const values = (config as { values?: unknown[] }).values;
      if (typeof text !== 'string' || (values?.length ?? 0) > 0 || typeof callback !== 'function') {
        // one statement only: the setting goes first, on its own (the client queues both in order)
        scopeOf.delete(connection);
        query({ text: setTenantSql(tenant, false) }, (error) => {
          if (!error) scopeOf.set(connection, tenant);
        });
        return query(config, callback);
      }
      const transaction = beginsTransaction.test(text);
      const combined = transaction
        ? `${text.replace(/;\s*$/, '')}; ${setTenantSql(tenant, true)}`
        : `${setTenantSql(tenant, false)}; ${text}`;
      if (!transaction) scopeOf.delete(connection);
      return query({ ...(config as object), text: combined }, (error, result) => {
        if (error) return callback(error, result);
        if (!transaction) scopeOf.set(connection, tenant);
        const results = result as unknown[];
        const own = transaction ? results.slice(0, -1) : results.slice(1);
        callback(null, own.length === 1 ? own[0] : own);
      });
    };
    wrapped.add(connection);
  };

  client.acquireConnection = async () => {
    const connection = await acquire();
    if (!wrapped.has(connection)) wrap(connection);
    const tenant = tenantScope.current();
    const current = scopeOf.get(connection);
    pendingOf.delete(connection);
    if (current === tenant) return connection;
    if (current !== undefined) {
      pendingOf.set(connection, tenant);
      return connection;
    }
    try {
      await connection.query({
        text: `select set_config('role', '${appRole}', false), ${setTenantSql(tenant, false).slice('select '.length)}`,
      });
    } catch (error) {
      await client.releaseConnection(connection);
      throw error;
    }
    scopeOf.set(connection, tenant);
    return connection;
  };
}
