/**
 * Sign and verify evidence packs. The signature is a compact JWS (EdDSA over Ed25519) whose payload names
 * the pack (format, tenant, run, time), the entry count and the chain's head: with the chain, every byte
 * of every entry is covered. Verification reports the first thing that does not hold.
 */
import { EvidencePack, evidenceFormat } from '@riskloop/contracts';
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import { canonicalJson } from './canonical.ts';
import { chainEntries, verifyChain, type EntryInput } from './chain.ts';
import type { TenantKey } from './keys.ts';

export interface SignedHead {
  format: string;
  tenant: string;
  runId: string;
  generatedAt: string;
  count: number;
  head: string;
}

export async function buildPack(
  tenant: string,
  runId: string,
  inputs: EntryInput[],
  key: TenantKey,
  generatedAt: Date,
): Promise<EvidencePack> {
  const entries = chainEntries(inputs);
  const head = entries.at(-1)?.hash ?? '';
  const signed: SignedHead = {
    format: evidenceFormat,
    tenant,
    runId,
    generatedAt: generatedAt.toISOString(),
    count: entries.length,
    head,
  };
  const signature = await new CompactSign(new TextEncoder().encode(canonicalJson(signed)))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.publicJwk.kid })
    .sign(key.privateKey);
  return {
    format: evidenceFormat,
    tenant,
    runId,
    generatedAt: signed.generatedAt,
    entries,
    head,
    signature,
    publicKey: key.publicJwk,
  };
}

export type PackCheck =
  | { ok: true; entries: number; head: string; kid: string }
  | { ok: false; reason: string; index?: number; entry?: string };

/**
 * Verify a parsed pack: shape, chain, head, signature. `trusted` is the tenant's public key as published
 * (`GET /api/evidence/public-key`); without it the key inside the pack is used, which proves integrity
 * but not origin.
 */
export async function verifyPack(input: unknown, trusted?: JWK): Promise<PackCheck> {
  const parsed = EvidencePack.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `not an evidence pack: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
    };
  }
  const pack = parsed.data;
  const chain = verifyChain(pack.entries);
  if (!chain.ok) {
    return {
      ok: false,
      index: chain.index,
      entry: chain.entry,
      reason: `entry ${chain.entry} was changed: ${chain.reason}`,
    };
  }
  if (chain.head !== pack.head) return { ok: false, reason: 'the head does not match the last entry' };
  const jwk = (trusted ?? pack.publicKey) as JWK;
  let payload: SignedHead;
  let kid: string;
  try {
    const verified = await compactVerify(pack.signature, await importJWK(jwk, 'EdDSA'), {
      algorithms: ['EdDSA'],
    });
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as SignedHead;
    kid = verified.protectedHeader.kid ?? '';
  } catch (error) {
    return { ok: false, reason: `the signature does not verify: ${(error as Error).message}` };
  }
  const fields = ['format', 'tenant', 'runId', 'generatedAt', 'count', 'head'] as const;
  const expected: SignedHead = { ...pack, count: pack.entries.length };
  for (const field of fields) {
    if (payload[field] !== expected[field])
      return { ok: false, reason: `the signed ${field} does not match the pack's` };
  }
  return { ok: true, entries: pack.entries.length, head: pack.head, kid };
}
