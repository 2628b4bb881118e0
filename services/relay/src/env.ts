/** Relay configuration. */
import { CommonEnv } from '@riskloop/runtime';
import { z } from 'zod';

const list = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  );

export const Env = CommonEnv.extend({
  /** Step commands handled at once by this copy. */
  RELAY_CONCURRENCY: z.coerce.number().int().min(1).max(512).default(64),
  /** How long a claimed delivery is held before another copy may take it over (a crashed relay). */
  RELAY_LEASE_MS: z.coerce.number().int().min(1_000).default(300_000),
  /** How long a command may stay unacknowledged before redelivery; at least the lease. */
  RELAY_ACK_WAIT_MS: z.coerce.number().int().min(1_000).default(300_000),
  /**
   * Master keys that wrap the tenants' data keys: `v1:<base64 of 32 bytes>[,v2:...]`; the last one wraps
   * new and rotated keys. Required: `npm start` and the tests generate one for local use.
   */
  RISKLOOP_MASTER_KEYS: z.string().min(1, 'set RISKLOOP_MASTER_KEYS=v1:<base64 of 32 bytes>'),
  /** `host:port` pairs reached despite the SSRF guard (local test servers); empty in production. */
  RELAY_ALLOW_TARGETS: list,
  /** Accept http:// destination URLs (development only). */
  RELAY_ALLOW_HTTP: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Calls in flight to one destination per copy (as many more wait; beyond that, commands wait on the bus). */
  RELAY_DESTINATION_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** Consecutive faults that open a destination's circuit, and how long it stays open. */
  RELAY_BREAKER_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(5),
  RELAY_BREAKER_HALF_OPEN_MS: z.coerce.number().int().min(100).default(30_000),
  /** A `Retry-After` longer than this fails the step instead of waiting. */
  RELAY_MAX_RETRY_AFTER_MS: z.coerce.number().int().min(0).default(120_000),
  /** Where run artifacts (documents) are kept: `postgres` (table relay.artifacts), `filesystem` or `s3`. */
  RELAY_ARTIFACT_STORE: z.enum(['postgres', 'filesystem', 's3']).default('postgres'),
  /** The folder of the `filesystem` artifact store. */
  RELAY_ARTIFACT_DIR: z.string().default('./var/artifacts'),
  /** Largest artifact, in bytes: a document over it fails its step (artifacts travel over NATS, 1 MB max). */
  RELAY_ARTIFACT_MAX_BYTES: z.coerce.number().int().min(1_000).max(700_000).default(700_000),
  /** The `s3` store's bucket (required with `RELAY_ARTIFACT_STORE=s3`). */
  RELAY_S3_BUCKET: z.string().min(3).max(63).optional(),
  /** Its region (the signing region for MinIO or Ceph). */
  RELAY_S3_REGION: z.string().min(1).default('us-east-1'),
  /** An S3-compatible endpoint URL (MinIO, Ceph RGW...); unset: AWS's endpoint for the region. */
  RELAY_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** `/<bucket>/<key>` URLs rather than `<bucket>.<host>`: what most self-hosted stores need. */
  RELAY_S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Prepended to every object key (e.g. `riskloop/`), to share a bucket. */
  RELAY_S3_PREFIX: z.string().max(200).default(''),
  /**
   * A static key pair; set both or neither. Neither: the AWS SDK's default chain (AWS_* variables, shared
   * profile, container or instance role).
   */
  RELAY_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  RELAY_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
}).superRefine((env, issues) => {
  if (env.RELAY_ARTIFACT_STORE === 's3' && !env.RELAY_S3_BUCKET) {
    issues.addIssue({
      code: 'custom',
      path: ['RELAY_S3_BUCKET'],
      message: 'set RELAY_S3_BUCKET for RELAY_ARTIFACT_STORE=s3',
    });
  }
  if (!env.RELAY_S3_ACCESS_KEY_ID !== !env.RELAY_S3_SECRET_ACCESS_KEY) {
    issues.addIssue({
      code: 'custom',
      path: [env.RELAY_S3_ACCESS_KEY_ID ? 'RELAY_S3_SECRET_ACCESS_KEY' : 'RELAY_S3_ACCESS_KEY_ID'],
      message: 'set RELAY_S3_ACCESS_KEY_ID and RELAY_S3_SECRET_ACCESS_KEY together',
    });
  }
});
export type Env = z.infer<typeof Env>;
