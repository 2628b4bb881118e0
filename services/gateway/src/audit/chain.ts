/** The audit chain's pure parts: canonical JSON and the hash of an entry over its predecessor's. */
import { createHash } from 'node:crypto';

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

/** JSON with object keys sorted at every depth and `undefined` members left out (RFC 8785 for our values). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const members = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${members.join(',')}}`;
}

/** sha256(previous hash, newline, canonical entry), hex. */
export function entryHash(body: AuditBody): string {
  return createHash('sha256').update(body.prevHash).update('\n').update(canonicalJson(body)).digest('hex');
}
