/**
 * `npm run db:migrate`: apply every service's pending migrations to `DATABASE_URL` (services also do this
 * on start; this is for operators who migrate before rolling out).
 */
import { createOrm, ensureDatabase, migrate } from '@riskloop/db';
import type { ServiceDatabase } from '@riskloop/runtime';

const services = ['gateway', 'interview', 'kri-emitter', 'registry', 'relay', 'runner', 'trigger-router'];
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/riskloop';

await ensureDatabase(url);
for (const service of services) {
  const { database } = (await import(`../services/${service}/src/db/index.ts`)) as {
    database: ServiceDatabase;
  };
  const orm = await createOrm({ url, ...database, poolMax: 2 });
  try {
    const applied = await migrate(orm, url, database.schema);
    console.log(`${service}: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}`);
  } finally {
    await orm.close();
  }
}
