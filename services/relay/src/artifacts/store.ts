/**
 * Where run artifacts live, behind one small interface: PostgreSQL (`relay.artifacts`, the default) or a
 * local folder. Writing the same name for the same run again replaces it (a step's later attempt).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ArtifactView } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { createHash } from 'node:crypto';

export interface ArtifactRecord extends ArtifactView {
  content: Buffer;
}

export interface ArtifactStore {
  put(tenant: string, runId: string, artifact: ArtifactRecord): Promise<void>;
  get(tenant: string, runId: string, name: string): Promise<ArtifactRecord | undefined>;
  list(tenant: string, runId: string): Promise<ArtifactView[]>;
}

export const mediaTypes: Record<string, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** An artifact record for `bytes`, refused when larger than `maxBytes`. */
export function artifactOf(
  name: string,
  stepId: string,
  content: Buffer,
  maxBytes: number,
  at = new Date(),
): ArtifactRecord {
  if (content.length > maxBytes) {
    throw new RiskloopError(
      'artifact_too_large',
      `artifact ${name} is ${content.length} bytes, over the limit of ${maxBytes} bytes (RELAY_ARTIFACT_MAX_BYTES)`,
      { retryable: false },
    );
  }
  const ext = name.split('.').at(-1) ?? '';
  return {
    name,
    stepId,
    mediaType: mediaTypes[ext] ?? 'application/octet-stream',
    size: content.length,
    sha256: sha256Hex(content),
    createdAt: at.toISOString(),
    content,
  };
}

interface Row {
  name: string;
  step_id: string;
  media_type: string;
  size: number;
  sha256: string;
  created_at: Date;
  content?: Buffer;
}

const view = (row: Row): ArtifactView => ({
  name: row.name,
  stepId: row.step_id,
  mediaType: row.media_type,
  size: row.size,
  sha256: row.sha256,
  createdAt: new Date(row.created_at).toISOString(),
});

export function pgArtifactStore(orm: MikroORM): ArtifactStore {
  return {
    async put(tenant, runId, a) {
      await orm.em.fork().execute(
        `insert into "relay"."artifacts" (tenant_id, run_id, name, step_id, media_type, size, sha256, content, created_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?)
         on conflict (tenant_id, run_id, name) do update set step_id = excluded.step_id,
           media_type = excluded.media_type, size = excluded.size, sha256 = excluded.sha256,
           content = excluded.content, created_at = excluded.created_at`,
        [tenant, runId, a.name, a.stepId, a.mediaType, a.size, a.sha256, a.content, new Date(a.createdAt)],
      );
    },
    async get(tenant, runId, name) {
      const [row] = await orm.em.fork().execute<Row[]>(
        `select name, step_id, media_type, size, sha256, created_at, content from "relay"."artifacts"
           where tenant_id = ? and run_id = ? and name = ?`,
        [tenant, runId, name],
      );
      return row?.content ? { ...view(row), content: Buffer.from(row.content) } : undefined;
    },
    async list(tenant, runId) {
      const rows = await orm.em.fork().execute<Row[]>(
        `select name, step_id, media_type, size, sha256, created_at from "relay"."artifacts"
           where tenant_id = ? and run_id = ? order by created_at, name`,
        [tenant, runId],
      );
      return rows.map(view);
    },
  };
}
