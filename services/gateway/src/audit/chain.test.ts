import { describe, expect, it } from 'vitest';
import { canonicalJson, entryHash, genesisHash, type AuditBody } from './chain.ts';

const body: AuditBody = {
  tenantId: '00000000-0000-4000-8000-000000000001',
  seq: 1,
  id: '00000000-0000-4000-8000-000000000002',
  at: '2026-12-01T00:00:00.000Z',
  actor: 'user:alice',
  action: 'POST /api/api-keys',
  target: '/api/api-keys',
  outcome: 'success',
  status: 201,
  details: { role: 'viewer', keyId: 'k1' },
  prevHash: genesisHash,
};

describe('audit chain', () => {
  it('canonical JSON sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: undefined }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"f":2}]},"b":1}',
    );
  });

  it('the hash does not depend on key order but on every value and on the previous hash', () => {
    const reordered = { ...body, details: { keyId: 'k1', role: 'viewer' } };
    expect(entryHash(reordered)).toBe(entryHash(body));
    expect(entryHash({ ...body, actor: 'user:mallory' })).not.toBe(entryHash(body));
    expect(entryHash({ ...body, prevHash: 'f'.repeat(64) })).not.toBe(entryHash(body));
    expect(entryHash(body)).toMatch(/^[0-9a-f]{64}$/);
  });
});
