/**
 * The manifest's hash chain: entry n's hash is SHA-256 over the canonical JSON of its `seq`, `kind`,
 * `name`, `data` and `prev` (entry n-1's hash). Verifying recomputes every hash in order and names the
 * first entry that does not match, which is where a change was made.
 */
import type { EvidenceEntry } from '@riskloop/contracts';
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.ts';

export const genesis = '0'.repeat(64);

export interface EntryInput {
  kind: string;
  name: string;
  data: unknown;
}

function entryHash(entry: Omit<EvidenceEntry, 'hash'>): string {
  const { seq, kind, name, data, prev } = entry;
  return createHash('sha256').update(canonicalJson({ seq, kind, name, data, prev })).digest('hex');
}

/**
 * Chain entries in order.
 * @example chainEntries([{ kind: 'trigger', name: 'manual', data: {} }])[0].prev // '000…0'
 */
export function chainEntries(inputs: EntryInput[]): EvidenceEntry[] {
  const out: EvidenceEntry[] = [];
  let prev = genesis;
  inputs.forEach((input, seq) => {
    // A JSON round trip fixes the data as a verifier will parse it (dates become strings, undefined goes).
    const data: unknown = JSON.parse(JSON.stringify(input.data ?? null));
    const hash = entryHash({ seq, kind: input.kind, name: input.name, data, prev });
    out.push({ seq, kind: input.kind, name: input.name, data, prev, hash });
    prev = hash;
  });
  return out;
}

export type ChainCheck =
  { ok: true; head: string } | { ok: false; index: number; entry: string; reason: string };

export function verifyChain(entries: EvidenceEntry[]): ChainCheck {
  let prev = genesis;
  for (const [index, entry] of entries.entries()) {
    const label = `#${index} ${String(entry.kind)}:${String(entry.name)}`;
    if (entry.seq !== index)
      return { ok: false, index, entry: label, reason: `its seq is ${entry.seq}, not ${index}` };
    if (entry.prev !== prev) {
      return {
        ok: false,
        index,
        entry: label,
        reason: 'its prev does not match the hash of the entry before',
      };
    }
    if (entryHash(entry) !== entry.hash) {
      return { ok: false, index, entry: label, reason: 'its content does not match its hash' };
    }
    prev = entry.hash;
  }
  return { ok: true, head: prev };
}
