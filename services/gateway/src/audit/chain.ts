/**
 * The audit chain's pure parts: the hash of an entry over its predecessor's, over the same canonical JSON
 * as evidence packs.
 */
import { canonicalJson } from '@riskloop/evidence';
import { createHash } from 'node:crypto';

export { canonicalJson };

/** The hash a tenant's first entry follows. */
export const genesisHash = '0'.repeat(64);

export type AuditOutcome = 'success' | 'denied' | 'failure';

/** What is hashed: every column but the hash itself. */
export interface AuditBody {
  tenantId: string;
  seq: number;
  id: string;
  /** ISO 8601 with milliseconds. */
  at: string;
  actor: string;
  action: string;
  target: string;
  outcome: AuditOutcome;
  status: number | null;
  details: Record<string, unknown>;
  prevHash: string;
}

export interface AuditRecord extends AuditBody {
  hash: string;
}

/** sha256(previous hash, newline, canonical entry), hex. */
export function entryHash(body: AuditBody): string {
  return createHash('sha256').update(body.prevHash).update('\n').update(canonicalJson(body)).digest('hex');
}
