/**
 * PostgreSQL row-level security, the second wall between tenants: after two tenants have run workflows,
 * a raw query as the application role sees only the rows of the tenant it is set to (none with no tenant),
 * cannot write another tenant's row, owns no table and cannot bypass RLS; every table with a tenant column
 * in every service's schema has a forced policy; and the services' own database layer, given a query that
 * forgets its tenant, still gets only the tenant of the work at hand.
 */
import { createOrm, execute, migrate, scopeToTenants } from '@riskloop/db';
import { tenantScope } from '@riskloop/kit';
import { apiClient, createTenant, usePlatform, waitFor, type Api } from '@riskloop/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { database as gatewayDatabase } from '../services/gateway/src/db/index.ts';

const e2e = usePlatform();
const schemas = ['gateway', 'registry', 'trigger_router', 'runner', 'relay', 'kri_emitter', 'interview'];
/** Tables that hold no tenant's rows (bookkeeping). A new table with tenant data must not land here. */
const tenantless = ['mikro_orm_migrations'];
const tenants: Record<string, string> = {};
let app: pg.Client;

async function runOnce(api: Api, name: string): Promise<void> {
  const created = await api('POST', '/api/workflows', {
    body: {
      name,
      triggers: [{ type: 'manual' }],
      steps: [{ id: 'call', type: 'webhook', webhook: { url: `${e2e.sink.url}/${name}` } }],
    },
  });
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  expect((await api('POST', `/api/workflows/${id}/activate`)).status).toBe(200);
  const started = await api('POST', `/api/workflows/${id}/run`, { body: {} });
  expect(started.status, started.text).toBe(202);
  await waitFor(
    async () => (await api('GET', `/api/runs/${started.body.runId as string}`)).body.status === 'succeeded',
    30_000,
    `${name} to succeed`,
  );
}

beforeAll(async () => {
  const otherKey = await createTenant(e2e.platform.env, 'globex');
  const other = apiClient(
    () => e2e.platform.gatewayUrl,
    () => otherKey,
  );
  await runOnce(e2e.api, 'acme-run');
  await runOnce(other, 'globex-run');
  for (const row of await e2e.platform.db.query<{ id: string; name: string }>(
    `select id, name from gateway.tenants`,
  ))
    tenants[row.name] = row.id;
  app = new pg.Client({ connectionString: e2e.platform.db.url });
  await app.connect();
  await app.query(`set role riskloop_app`);
}, 120_000);

afterAll(async () => {
  await app?.end();
});

/** Every table of the service schemas, with its tenant column if it has one. */
async function tables() {
  return e2e.platform.db.query<{
    schema: string;
    name: string;
    tenant: string | null;
    rls: boolean;
    forced: boolean;
  }>(
    `select n.nspname as schema, c.relname as name,
            (select a.attname from pg_attribute a where a.attrelid = c.oid and a.attname in ('tenant_id')
               and not a.attisdropped) as tenant,
            c.relrowsecurity as rls, c.relforcerowsecurity as forced
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind = 'r' and n.nspname = any($1::text[]) order by 1, 2`,
    [schemas],
  );
}

const scoped = async (tenant: string, sql: string) => {
  await app.query(`select set_config('riskloop.tenant', $1, false)`, [tenant]);
  return (await app.query(sql)).rows;
};

describe('row-level security', () => {
  it('guards every table that holds tenant rows, with the policy forced', async () => {
    const all = await tables();
    expect(all.length).toBeGreaterThan(30);
    const unguarded = all
      .filter((t) => !(t.rls && t.forced))
      .map((t) => `${t.schema}.${t.name}`)
      .filter((t) => !tenantless.includes(t.split('.')[1]!));
    expect(unguarded).toEqual([]);
    const withoutTenant = all.filter((t) => !t.tenant && !(t.schema === 'gateway' && t.name === 'tenants'));
    expect([...new Set(withoutTenant.map((t) => t.name))]).toEqual(tenantless);
  });

  it("shows the application role only the set tenant's rows, and nothing without a tenant", async () => {
    const guarded = (await tables()).filter((t) => t.tenant);
    let seen = 0;
    for (const t of guarded) {
      const table = `"${t.schema}"."${t.name}"`;
      const acme = await scoped(tenants.acme!, `select distinct tenant_id::text as t from ${table}`);
      expect(
        acme.every((r: { t: string }) => r.t === tenants.acme),
        table,
      ).toBe(true);
      seen += acme.length;
      expect(await scoped('', `select 1 from ${table} limit 1`), table).toEqual([]);
      expect(await scoped('not-a-tenant', `select 1 from ${table} limit 1`), table).toEqual([]);
    }
    expect(seen).toBeGreaterThan(5); // the wall was tested against tables that do have acme's rows
    const runs = await scoped(tenants.acme!, `select tenant_id::text as t from runner.runs`);
    const everyone = await e2e.platform.db.query<{ t: string }>(
      `select tenant_id::text as t from runner.runs`,
    );
    expect(everyone.some((r) => r.t === tenants.globex)).toBe(true);
    expect(runs.length).toBe(everyone.filter((r) => r.t === tenants.acme).length);
    expect(await scoped(tenants.acme!, `select id from gateway.tenants`)).toEqual([{ id: tenants.acme }]);
  });

  it("refuses to write a row of another tenant, and to change another tenant's rows", async () => {
    await app.query(`select set_config('riskloop.tenant', $1, false)`, [tenants.acme]);
    await expect(
      app.query(
        `insert into registry.kris (tenant_id, id, name, created_at, updated_at) values ($1, 'smuggled', 'x', now(), now())`,
        [tenants.globex],
      ),
    ).rejects.toThrow(/row-level security/);
    const updated = await app.query(`update runner.runs set status = 'cancelled' where tenant_id = $1`, [
      tenants.globex,
    ]);
    expect(updated.rowCount).toBe(0);
  });

  it('gives the application role no table and no way around the policies', async () => {
    const [role] = await e2e.platform.db.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
      `select rolsuper, rolbypassrls from pg_roles where rolname = 'riskloop_app'`,
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    const owned = await e2e.platform.db.query(
      `select tablename from pg_tables where tableowner = 'riskloop_app' and schemaname = any($1::text[])`,
      [schemas],
    );
    expect(owned).toEqual([]);
  });

  it("keeps a service's query that forgets its tenant to the tenant of the work at hand", async () => {
    const orm = await createOrm({ url: e2e.platform.db.url, ...gatewayDatabase, poolMax: 2 });
    try {
      await migrate(orm, e2e.platform.db.url, gatewayDatabase.schema);
      scopeToTenants(orm);
      const forgetful = () =>
        orm.em.fork().execute<{ t: string }[]>(`select distinct tenant_id::text as t from gateway.api_keys`);
      expect(await tenantScope.run(tenants.globex!, forgetful)).toEqual([{ t: tenants.globex }]);
      expect(await tenantScope.run(tenants.acme!, forgetful)).toEqual([{ t: tenants.acme }]);
      const inTransaction = await tenantScope.run(tenants.acme!, () =>
        orm.em
          .fork()
          .transactional((tx) =>
            tx.execute<{ n: number }[]>(`select count(*)::int as n from gateway.tenants`),
          ),
      );
      expect(inTransaction).toEqual([{ n: 1 }]);
      // work for every tenant (reconcilers, schedules) runs outside any tenant's scope
      expect((await forgetful()).length).toBe(2);
    } finally {
      await orm.close();
    }
  });

  it('keeps the scope right on one connection through tenant switches, failures and rollbacks', async () => {
    // one connection: every switch rides in front of the next statement instead of a round trip of its own
    const orm = await createOrm({ url: e2e.platform.db.url, ...gatewayDatabase, poolMax: 1 });
    const { globex, acme } = tenants as { globex: string; acme: string };
    const tenantsSql = `select distinct tenant_id::text as t from gateway.api_keys`;
    const seen = () => orm.em.fork().execute<{ t: string }[]>(tenantsSql);
    const failing = () => orm.em.fork().execute(`select 1 / 0`);
    const rolledBack = () =>
      orm.em.fork().transactional(async (tx) => {
        await tx.execute(`select 1`);
        throw new Error('roll back');
      });
    const inTransaction = () => orm.em.fork().transactional((tx) => tx.execute<{ t: string }[]>(tenantsSql));
    try {
      // the platform migrated the schema (a migration would want a second connection)
      scopeToTenants(orm);
      expect(await tenantScope.run(globex, seen)).toEqual([{ t: globex }]);
      // a failed statement that carried the switch undoes it with itself: the next one must set it again
      await expect(tenantScope.run(acme, failing)).rejects.toThrow(/division by zero/);
      expect(await tenantScope.run(acme, seen)).toEqual([{ t: acme }]);
      // a transaction for another tenant is scoped to it, and a rollback leaves the session as it was
      expect(await tenantScope.run(globex, inTransaction)).toEqual([{ t: globex }]);
      await expect(tenantScope.run(globex, rolledBack)).rejects.toThrow('roll back');
      expect(await tenantScope.run(acme, seen)).toEqual([{ t: acme }]);
      expect(await tenantScope.run(globex, seen)).toEqual([{ t: globex }]);
      expect(await tenantScope.run(globex, inTransaction)).toEqual([{ t: globex }]);
      expect(await tenantScope.run(acme, inTransaction)).toEqual([{ t: acme }]);
      expect(await tenantScope.run(acme, seen)).toEqual([{ t: acme }]);
      // outside any tenant's scope: every tenant (the system scope), switched to from a tenant
      expect((await seen()).length).toBe(2);
      expect(await tenantScope.run(globex, seen)).toEqual([{ t: globex }]);
    } finally {
      await orm.close();
    }
  });

  it('scopes the direct statement path (execute) like the ORM, and a failed one gives its connection back', async () => {
    const orm = await createOrm({ url: e2e.platform.db.url, ...gatewayDatabase, poolMax: 1 });
    const { globex, acme } = tenants as { globex: string; acme: string };
    const seen = () =>
      execute<{ t: string }>(orm, `select distinct tenant_id::text as t from gateway.api_keys where ? = ?`, [
        "it's",
        "it's",
      ]);
    try {
      scopeToTenants(orm);
      expect(await tenantScope.run(globex, seen)).toEqual([{ t: globex }]);
      expect(await tenantScope.run(acme, seen)).toEqual([{ t: acme }]);
      // the only connection is released after a failure: the next statement gets it, set to its tenant
      await expect(tenantScope.run(acme, () => execute(orm, `select 1 / 0`))).rejects.toThrow(
        /division by zero/,
      );
      expect(await tenantScope.run(globex, seen)).toEqual([{ t: globex }]);
      // mixed with the ORM's own statements on the same connection
      expect(
        await tenantScope.run(acme, () =>
          orm.em
            .fork()
            .execute<{ t: string }[]>(`select distinct tenant_id::text as t from gateway.api_keys`),
        ),
      ).toEqual([{ t: acme }]);
      expect(await tenantScope.run(globex, seen)).toEqual([{ t: globex }]);
      expect((await seen()).length).toBe(2);
    } finally {
      await orm.close();
    }
  });
});
