/**
 * Preview links: made by a tenant's authors for one workflow version, redeemed once by anyone holding the
 * URL. The token is 256 random bits shown once; only its SHA-256 is stored (a token this random needs no
 * slow hash). Redeeming is a conditional UPDATE, so of any number of concurrent redemptions one wins.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { durationMs, type PreviewLinkView } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { PreviewLink } from '../db/entities.ts';

/** At most this long between making a link and redeeming it. */
export const maxPreviewMs = 30 * 86_400_000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const isTokenShaped = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

type Row = {
  id: string;
  workflowId: string;
  version: number;
  includeEvidence: boolean;
  expiresAt: Date;
  createdAt: Date;
  createdBy: string;
  redeemedAt?: Date | null;
  revokedAt?: Date | null;
};

export function linkView(row: Row, now = new Date()): PreviewLinkView {
  const status = row.revokedAt
    ? 'revoked'
    : row.redeemedAt
      ? 'redeemed'
      : row.expiresAt <= now
        ? 'expired'
        : 'active';
  return {
    id: row.id,
    workflowId: row.workflowId,
    version: row.version,
    includeEvidence: row.includeEvidence,
    status,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    redeemedAt: row.redeemedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export interface NewPreviewLink {
  tenantId: string;
  workflowId: string;
  version: number;
  expiresIn: string;
  includeEvidence: boolean;
  actor: string;
}

export async function createPreviewLink(
  orm: MikroORM,
  input: NewPreviewLink,
): Promise<PreviewLinkView & { token: string }> {
  const ttl = durationMs(input.expiresIn);
  if (ttl < 60_000 || ttl > maxPreviewMs)
    throw RiskloopError.invalid('expiresIn must be between 1m and 30d', 'expiresIn');
  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  const row = {
    id: randomUUID(),
    tenantId: input.tenantId,
    workflowId: input.workflowId,
    version: input.version,
    tokenHash: hashToken(token),
    includeEvidence: input.includeEvidence,
    expiresAt: new Date(now.getTime() + ttl),
    createdBy: input.actor,
    createdAt: now,
    redeemedAt: null,
    revokedAt: null,
  };
  await orm.em.fork().insert(PreviewLink, row);
  return { ...linkView(row, now), token };
}

export async function listPreviewLinks(
  orm: MikroORM,
  tenantId: string,
  workflowId: string,
): Promise<PreviewLinkView[]> {
  const rows = await orm.em
    .fork()
    .find(PreviewLink, { tenantId, workflowId }, { orderBy: { createdAt: 'desc' }, limit: 500 });
  const now = new Date();
  return rows.map((r) => linkView(r, now));
}

export async function revokePreviewLink(
  orm: MikroORM,
  tenantId: string,
  workflowId: string,
  linkId: string,
): Promise<PreviewLinkView> {
  const em = orm.em.fork();
  const row = await em.findOne(PreviewLink, { id: linkId, tenantId, workflowId });
  if (!row) throw RiskloopError.notFound('preview link', linkId);
  if (row.revokedAt || row.redeemedAt)
    throw RiskloopError.conflict(`the preview link is already ${row.revokedAt ? 'revoked' : 'redeemed'}`);
  row.revokedAt = new Date();
  await em.flush();
  return linkView(row);
}

/** The link a token names, whatever its state (null when none does). */
export async function findByToken(orm: MikroORM, token: string) {
  return orm.em.fork().findOne(PreviewLink, { tokenHash: hashToken(token) });
}

/** Mark the link redeemed if it still may be; true for exactly one caller. */
export async function claimLink(orm: MikroORM, linkId: string): Promise<boolean> {
  const claimed = await orm.em.fork().execute<{ id: string }[]>(
    `update "gateway"."preview_links" set "redeemed_at" = now()
     where "id" = ? and "redeemed_at" is null and "revoked_at" is null and "expires_at" > now() returning "id"`,
    [linkId],
  );
  return claimed.length === 1;
}
