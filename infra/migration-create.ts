/**
 * `npm run db:migration:create -- <service> [--blank]`, or `--check` to only report drift: apply the service's migrations to a scratch
 * database, let MikroORM diff the service's entities against it, write the new migration into
 * `services/<service>/src/db/migrations/`, and register it in that folder's `index.ts`.
 * Review the generated SQL before committing it.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createOrm, ensureDatabase, migrate } from '@riskloop/db';
import type { ServiceDatabase } from '@riskloop/runtime';
import pg from 'pg';

const [service, ...flags] = process.argv.slice(2);
if (!service) throw new Error('usage: npm run db:migration:create -- <service> [--blank | --check]');
const check = flags.includes('--check');
const { database } = (await import(`../services/${service}/src/db/index.ts`)) as {
  database: ServiceDatabase;
};
// A scratch database per service, rebuilt from the migrations, so the diff sees only this service's schema.
const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
// The pid keeps two checkouts (or two runs) from dropping each other's scratch database.
const scratch = `riskloop_migrations_${database.schema}_${process.pid}`;
await dropDatabase(server, scratch);
const url = Object.assign(new URL(server), { pathname: `/${scratch}` }).toString();
await ensureDatabase(url);
const orm = await createOrm({ url, ...database });
await migrate(orm, url, database.schema);
await orm.close();

const folder = `services/${service}/src/db/migrations`;
const before = new Set(readdirSync(folder));
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    'node_modules/@mikro-orm/cli/cli',
    check ? 'migration:check' : 'migration:create',
    ...flags.filter((f) => f !== '--check'),
  ],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      DATABASE_URL: url,
      RISKLOOP_SERVICE: service,
      MIKRO_ORM_CLI_CONFIG: './mikro-orm.config.ts',
      MIKRO_ORM_CLI_ALWAYS_ALLOW_TS: '1',
    },
  },
);
if (result.status !== 0 || check) {
  await dropDatabase(server, scratch);
  process.exit(result.status ?? 1);
}

const created = readdirSync(folder).filter(
  (f) => !before.has(f) && f.startsWith('Migration') && f.endsWith('.ts'),
);
const indexPath = `${folder}/index.ts`;
let index = readFileSync(indexPath, 'utf8');
for (const file of created) {
  const name = file.replace(/\.ts$/, '');
  index = index.replace(
    /\nexport const migrations/,
    `import { ${name} } from './${file}';\n\nexport const migrations`,
  );
  index = index.replace(/\n\];\s*$/, `\n  { name: '${name}', class: ${name} },\n];\n`);
  console.log(`registered ${name} in ${indexPath}`);
}
writeFileSync(indexPath, index);
if (created.length === 0) console.log(`${service}: entities and migrations agree; nothing to create`);
await dropDatabase(server, scratch);

async function dropDatabase(at: URL, name: string): Promise<void> {
  const admin = Object.assign(new URL(at), { pathname: '/postgres' });
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`drop database if exists "${name}" with (force)`);
  await client.end();
}
