/**
 * MikroORM on PostgreSQL, one instance per service. Each service owns a PostgreSQL schema (its tables and
 * its own migrations table live there), so services never share tables.
 */
import { MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { EntitySchema, MigrationObject } from '@mikro-orm/core';

export interface ServiceOrmOptions {
  /** postgres://… */
  url: string;
  /** The PostgreSQL schema this service owns, e.g. `runner`. */
  schema: string;
  entities: EntitySchema[];
  /** Static list: migrations load without a TS loader (tsx, vitest, node all agree). */
  migrations: MigrationObject[];
  /** Where `npm run db:migration:create` writes new migrations. */
  migrationsPath?: string;
  poolMax?: number;
  debug?: boolean;
}

export function serviceOrmOptions(options: ServiceOrmOptions): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: options.url,
    schema: options.schema,
    entities: options.entities,
    extensions: [Migrator],
    pool: { min: 0, max: options.poolMax ?? 10 },
    debug: options.debug ?? false,
    allowGlobalContext: false,
    discovery: { warnWhenNoEntities: false },
    migrations: {
      tableName: `${options.schema}.mikro_orm_migrations`,
      migrationsList: options.migrations,
      ...(options.migrationsPath ? { path: options.migrationsPath, pathTs: options.migrationsPath } : {}),
      // Diffs are taken against a database migrated from the migrations themselves: one source of truth.
      snapshot: false,
      silent: true,
      transactional: true,
      allOrNothing: true,
    },
  };
}

export async function createOrm(options: ServiceOrmOptions): Promise<MikroORM> {
  return MikroORM.init(serviceOrmOptions(options));
}
