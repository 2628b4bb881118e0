/**
 * The PostgreSQL artifact store (`relay.artifacts`, the default) against real PostgreSQL, through the same
 * contract the filesystem and S3 stores pass beside the code.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { createOrm, migrate } from '@riskloop/db';
import { createTestDatabase, type TestDatabase } from '@riskloop/testkit';
import { afterAll, beforeAll } from 'vitest';
import { artifactStoreContract } from '../services/relay/src/artifacts/store-contract.ts';
import { pgArtifactStore } from '../services/relay/src/artifacts/store.ts';
import { database } from '../services/relay/src/db/index.ts';

let db: TestDatabase;
let orm: MikroORM;
beforeAll(async () => {
  db = await createTestDatabase();
  orm = await createOrm({ url: db.url, ...database, poolMax: 2 });
  await migrate(orm, db.url, database.schema);
});
afterAll(async () => {
  await orm?.close();
  await db?.drop();
});

artifactStoreContract('PostgreSQL', () => pgArtifactStore(orm));
