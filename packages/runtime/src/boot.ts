/**
 * What every service does before its own work: connect to NATS, provision the streams, create and
 * migrate its database schema, and register the shutdown steps that undo each of those.
 */
import type { EntitySchema, MigrationObject } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { connectBus, ensureStreams, serveHealth, type BusConnection } from '@riskloop/bus';
import { streams } from '@riskloop/contracts';
import { createOrm, ensureDatabase, migrate, scopeToTenants } from '@riskloop/db';
import {
  createLifecycle,
  createLogger,
  signalReady,
  startTracing,
  type Lifecycle,
  type Logger,
} from '@riskloop/kit';
import { startProcessMetrics } from './metrics.ts';
import { randomUUID } from 'node:crypto';
import type { CommonEnv } from './env.ts';

export interface ServiceDatabase {
  schema: string;
  entities: EntitySchema[];
  migrations: MigrationObject[];
}

export interface BootOptions {
  service: string;
  env: CommonEnv;
  db?: ServiceDatabase;
  /** Share one lifecycle and logger when several services run in one process. */
  lifecycle?: Lifecycle;
  log?: Logger;
}

/** What services running in one process (`npm start`) share. */
export type SharedProcess = Pick<BootOptions, 'lifecycle' | 'log'>;

export interface Runtime {
  service: string;
  /** Unique per process start: recorded on the work this copy does. */
  instanceId: string;
  log: Logger;
  bus: BusConnection;
  lifecycle: Lifecycle;
  /** Answer health pings and print the ready line. Call once every consumer is running. */
  ready(details?: Record<string, unknown>): void;
}

export interface RuntimeWithDb extends Runtime {
  orm: MikroORM;
}

export async function bootService(options: BootOptions & { db: ServiceDatabase }): Promise<RuntimeWithDb>;
export async function bootService(options: BootOptions): Promise<Runtime>;
export async function bootService(options: BootOptions): Promise<Runtime | RuntimeWithDb> {
  const log = (options.log ?? createLogger({ service: options.service, level: options.env.LOG_LEVEL })).child(
    {
      component: options.service,
    },
  );
  const lifecycle = options.lifecycle ?? createLifecycle({ log });
  const stopTracing = startTracing(`riskloop-${options.service}`, options.env.OTEL_EXPORTER_OTLP_ENDPOINT);
  lifecycle.onShutdown(`${options.service}: traces`, stopTracing);
  const bus = await connectBus({
    servers: options.env.NATS_URL,
    name: options.service,
    prefix: options.env.NATS_PREFIX,
    log,
  });
  lifecycle.onShutdown(`${options.service}: nats`, () => bus.nc.drain());
  await ensureStreams(bus, Object.values(streams), { replicas: options.env.NATS_STREAM_REPLICAS });
  const metricsPort = await startProcessMetrics(options.env, lifecycle, log);

  const runtime: Runtime = {
    service: options.service,
    instanceId: `${options.service}-${process.pid}-${randomUUID().slice(0, 8)}`,
    log,
    bus,
    lifecycle,
    ready(details = {}) {
      const health = serveHealth(bus, options.service);
      lifecycle.onShutdown(`${options.service}: health`, () => health.stop());
      signalReady(log, {
        service: options.service,
        instance: runtime.instanceId,
        ...(metricsPort === undefined ? {} : { metricsPort }),
        ...details,
      });
    },
  };
  if (!options.db) return runtime;

  await ensureDatabase(options.env.DATABASE_URL);
  const orm = await createOrm({
    url: options.env.DATABASE_URL,
    schema: options.db.schema,
    entities: options.db.entities,
    migrations: options.db.migrations,
    poolMax: options.env.DB_POOL_MAX,
  });
  lifecycle.onShutdown(`${options.service}: database`, () => orm.close());
  const applied = await migrate(orm, options.env.DATABASE_URL, options.db.schema);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  // from here on the service works as riskloop_app, for the tenant of the work at hand (row-level security)
  scopeToTenants(orm);
  return { ...runtime, orm };
}
