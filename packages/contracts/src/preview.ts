/**
 * Public preview links: `POST /api/workflows/:id/preview-links` makes a single-use URL that shows one
 * workflow version read-only (and, if asked, the evidence of its recent runs) to someone without an account.
 */
import { z } from 'zod';
import { Duration } from './duration.ts';

export const CreatePreviewLinkBody = z.strictObject({
  /** The version to show (default: the active version, else the latest). */
  version: z.int().positive().optional(),
  /** How long the link stays redeemable (at most 30 days). */
  expiresIn: Duration.default('24h'),
  /** Show the outcome of the version's recent runs too. */
  includeEvidence: z.boolean().default(false),
});
export type CreatePreviewLinkBody = z.input<typeof CreatePreviewLinkBody>;

export const PreviewLinkStatus = z.enum(['active', 'redeemed', 'expired', 'revoked']);

export const PreviewLinkView = z.object({
  id: z.uuid(),
  workflowId: z.uuid(),
  version: z.int(),
  includeEvidence: z.boolean(),
  status: PreviewLinkStatus,
  expiresAt: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  redeemedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type PreviewLinkView = z.infer<typeof PreviewLinkView>;

/** What a redeemed link shows: no tenant, workflow or run ids, no step parameters (URLs, recipients). */
export interface PublicStep {
  id: string;
  type: string;
  name?: string;
  if?: string;
  /** Nested steps of a branch case, a branch default or a parallel branch. */
  paths?: { label: string; steps: PublicStep[] }[];
}

export interface PublicWorkflowView {
  name: string;
  description: string | null;
  owner: string | null;
  tags: string[];
  version: number;
  versionCreatedAt: string;
  triggers: { type: string }[];
  steps: PublicStep[];
  evidence?: {
    runs: {
      status: string;
      startedAt: string;
      finishedAt: string | null;
    }[];
  };
}
