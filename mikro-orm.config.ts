/**
 * The MikroORM CLI's configuration for one service at a time: `RISKLOOP_SERVICE=runner` picks that
 * service's entities, schema and migrations folder. Used by `npm run db:migration:create -- <service>`;
 * services themselves build the same options in code (packages/db `serviceOrmOptions`).
 */
import { serviceOrmOptions } from '@riskloop/db';
import type { ServiceDatabase } from '@riskloop/runtime';

const loaders: Record<string, () => Promise<{ database: ServiceDatabase }>> = {
  gateway: () => import('./services/gateway/src/db/index.ts'),
  interview: () => import('./services/interview/src/db/index.ts'),
  'kri-emitter': () => import('./services/kri-emitter/src/db/index.ts'),
  registry: () => import('./services/registry/src/db/index.ts'),
  relay: () => import('./services/relay/src/db/index.ts'),
  runner: () => import('./services/runner/src/db/index.ts'),
  'trigger-router': () => import('./services/trigger-router/src/db/index.ts'),
};

const service = process.env.RISKLOOP_SERVICE ?? '';
const load = loaders[service];
if (!load) throw new Error(`set RISKLOOP_SERVICE to one of: ${Object.keys(loaders).join(', ')}`);
const { database } = await load();

export default serviceOrmOptions({
  url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/riskloop',
  ...database,
  migrationsPath: `./services/${service}/src/db/migrations`,
});
