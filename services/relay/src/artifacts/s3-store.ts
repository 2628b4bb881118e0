/**
 * The S3-compatible artifact store (AWS S3, MinIO, Ceph RGW...): one object per artifact at
 * `<prefix><tenant>/<run>/<name>`, its media type as the object's content type and the rest of its record
 * as user metadata, so a put is one atomic write that replaces the previous one. Reads check the bytes
 * against the recorded SHA-256: a changed object is an error, never a silently different attachment.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ArtifactView } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { sha256Hex, type ArtifactStore } from './store.ts';

export interface S3ArtifactStoreOptions {
  bucket: string;
  region: string;
  /** Unset: AWS's own endpoint for the region. */
  endpoint?: string | undefined;
  /** `/<bucket>/<key>` URLs instead of `<bucket>.<host>` (MinIO, Ceph and most self-hosted stores). */
  forcePathStyle: boolean;
  /** Unset: the AWS SDK's default credential chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Prepended to every key (`riskloop/`), to share a bucket. */
  prefix: string;
}

/** Tenant ids, run ids and names are checked before they become key segments. */
const segment = (value: string) => {
  if (!/^[A-Za-z0-9_.-]{1,200}$/.test(value) || value.startsWith('.')) {
    throw new Error(`unsafe key segment ${JSON.stringify(value)}`);
  }
  return value;
};

const notFound = (error: unknown) =>
  error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound');

/** S3 metadata travels as headers: lowercase names, ASCII values. */
interface Meta {
  'riskloop-step': string;
  'riskloop-sha256': string;
  'riskloop-created': string;
}

export function s3ArtifactStore(options: S3ArtifactStoreOptions): ArtifactStore {
  const client = new S3Client({
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  const Bucket = options.bucket;
  const folder = (tenant: string, runId: string) => `${options.prefix}${segment(tenant)}/${segment(runId)}/`;

  const view = (name: string, meta: Record<string, string> | undefined, type?: string, size?: number) => {
    const m = (meta ?? {}) as Partial<Meta>;
    return {
      name,
      stepId: m['riskloop-step'] ?? '',
      mediaType: type ?? 'application/octet-stream',
      size: size ?? 0,
      sha256: m['riskloop-sha256'] ?? '',
      createdAt: m['riskloop-created'] ?? new Date(0).toISOString(),
    } satisfies ArtifactView;
  };
  /** The store not answering (or refusing the credentials) is the relay's trouble, not the artifact's. */
  const unavailable = (what: string, error: unknown) =>
    new RiskloopError(
      'artifact_store_unavailable',
      `the S3 artifact store failed to ${what}: ${(error as Error).message}`,
      { status: 503, retryable: true, cause: error },
    );

  return {
    async put(tenant, runId, artifact) {
      const meta: Meta = {
        'riskloop-step': artifact.stepId,
        'riskloop-sha256': artifact.sha256,
        'riskloop-created': artifact.createdAt,
      };
      await client
        .send(
          new PutObjectCommand({
            Bucket,
            Key: folder(tenant, runId) + segment(artifact.name),
            Body: artifact.content,
            ContentType: artifact.mediaType,
            ContentLength: artifact.size,
            Metadata: { ...meta },
          }),
        )
        .catch((error: unknown) => {
          throw unavailable(`store ${artifact.name}`, error);
        });
    },

    async get(tenant, runId, name) {
      const Key = folder(tenant, runId) + segment(name);
      const answer = await client.send(new GetObjectCommand({ Bucket, Key })).catch((error: unknown) => {
        if (notFound(error)) return undefined;
        throw unavailable(`read ${name}`, error);
      });
      if (!answer?.Body) return undefined;
      const content = Buffer.from(await answer.Body.transformToByteArray());
      const record = view(name, answer.Metadata, answer.ContentType, content.length);
      if (sha256Hex(content) !== record.sha256) {
        throw new RiskloopError(
          'artifact_corrupt',
          `artifact ${name} in the S3 store does not match its recorded SHA-256`,
          { retryable: false },
        );
      }
      return { ...record, content };
    },

    async list(tenant, runId) {
      const Prefix = folder(tenant, runId);
      const keys: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client
          .send(new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken }))
          .catch((error: unknown) => {
            throw unavailable('list artifacts', error);
          });
        keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      const views = await Promise.all(
        keys.map(async (Key) => {
          const head = await client.send(new HeadObjectCommand({ Bucket, Key })).catch((error: unknown) => {
            if (notFound(error)) return undefined; // deleted between the list and the head
            throw unavailable('list artifacts', error);
          });
          return head && view(Key.slice(Prefix.length), head.Metadata, head.ContentType, head.ContentLength);
        }),
      );
      return views
        .filter((v): v is ArtifactView => v !== undefined)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
    },
  };
}
