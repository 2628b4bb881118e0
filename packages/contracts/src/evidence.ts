/**
 * The evidence pack of a run (`GET /api/runs/:runId/evidence`): a manifest of hash-chained entries (each
 * entry's `hash` covers its own fields and the previous entry's hash) and a compact JWS (EdDSA, Ed25519)
 * over the chain's head, with the tenant's public key. Changing any byte of an entry breaks its hash and
 * every link after it; replacing the head breaks the signature.
 */
import { z } from 'zod';

export const evidenceFormat = 'riskloop.evidence/v1';

export const EvidenceEntry = z.object({
  seq: z.int().nonnegative(),
  /** What the entry records: `workflow_version`, `trigger`, `path`, `step`, `approval`, `delivery`, ... */
  kind: z.string(),
  /** Which one (a step id, an artifact name), unique with `kind`. */
  name: z.string(),
  data: z.unknown(),
  /** Hex SHA-256 of the previous entry (64 zeros for the first). */
  prev: z.string(),
  /** Hex SHA-256 of the canonical JSON of `{ seq, kind, name, data, prev }`. */
  hash: z.string(),
});
export type EvidenceEntry = z.infer<typeof EvidenceEntry>;

export const EvidencePack = z.object({
  format: z.literal(evidenceFormat),
  tenant: z.string(),
  runId: z.string(),
  generatedAt: z.string(),
  entries: z.array(EvidenceEntry),
  /** The last entry's hash. */
  head: z.string(),
  /** Compact JWS whose payload is `{ format, tenant, runId, generatedAt, count, head }`. */
  signature: z.string(),
  /** The tenant's public key (also at `GET /api/evidence/public-key`). */
  publicKey: z.record(z.string(), z.unknown()),
});
export type EvidencePack = z.infer<typeof EvidencePack>;
