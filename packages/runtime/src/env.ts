/** Configuration every service shares. Each service extends it in its own `env.ts`. */
import { z } from 'zod';

export const CommonEnv = z.object({
  /** PostgreSQL; the database is created if missing and each service migrates its own schema on start. */
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/riskloop'),
  /** NATS with JetStream; comma-separated for a cluster. */
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  /** Prefix for every subject and stream, to share one NATS server between deployments (tests use it). */
  NATS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/)
    .default(''),
  /**
   * Copies of each JetStream stream the services provision: 1 for a single NATS server, 3 on a cluster
   * of three (a stream survives the loss of one server). Raising it re-replicates existing streams.
   */
  NATS_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /** pino level: trace, debug, info, warn, error. */
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Connections in this process's PostgreSQL pool. */
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** Serve Prometheus metrics on `GET /metrics` at this port (0: any free port, in the ready line); unset: off. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /** Interface for the metrics server. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** An OTLP/HTTP collector (e.g. http://otel-collector:4318): spans are exported there; unset: off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
});
export type CommonEnv = z.infer<typeof CommonEnv>;
