/**
 * Apply a service's migrations on start, then its tables' row-level security (row-security.ts). Copies of
 * a service starting together take a PostgreSQL advisory lock so that exactly one of them migrates and the
 * others wait for it.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { ensureRowSecurity } from './row-security.ts';

export async function migrate(orm: MikroORM, url: string, schema: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`riskloop:migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await orm.getMigrator().up();
    await ensureRowSecurity(client, schema);
    return applied.map((m) => m.name);
  } finally {
    await client
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`riskloop:migrate:${schema}`])
      .catch(() => undefined);
    await client.end();
  }
}

/** Create the database named in `url` if it does not exist (connecting to `postgres` on the same server). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`).catch((error: unknown) => {
        // Another copy created it between our check and our create.
        if (!(error instanceof Error && /already exists/.test(error.message))) throw error;
      });
    }
  } finally {
    await client.end();
  }
}
