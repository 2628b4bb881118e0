import { describe, expect, test } from 'vitest';
import { chainEntries, verifyChain } from './chain.ts';
import { canonicalJson } from './canonical.ts';
import { tenantKey } from './keys.ts';
import { buildPack, verifyPack } from './pack.ts';

const seed = Buffer.alloc(32, 7);
const inputs = [
  { kind: 'workflow_version', name: 'v1', data: { version: 1, definition: { name: 'w' } } },
  { kind: 'trigger', name: 'manual', data: { payload: { a: 1 } } },
  { kind: 'step', name: 'notify_team', data: { status: 'succeeded', output: { ts: '1.2' } } },
  { kind: 'artifact', name: 'report.pdf', data: { sha256: 'ab'.repeat(32) } },
];

describe('manifest chaining', () => {
  test('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });

  test('each entry links to the one before, and the chain verifies', () => {
    const entries = chainEntries(inputs);
    expect(entries[0]!.prev).toBe('0'.repeat(64));
    expect(entries[2]!.prev).toBe(entries[1]!.hash);
    expect(verifyChain(entries)).toEqual({ ok: true, head: entries[3]!.hash });
  });

  test('a changed entry is named as the first broken one', () => {
    const entries = chainEntries(inputs);
    (entries[2]!.data as { status: string }).status = 'failed';
    expect(verifyChain(entries)).toMatchObject({ ok: false, index: 2, entry: '#2 step:notify_team' });
  });

  test('removing an entry breaks the link of the next one', () => {
    const entries = chainEntries(inputs);
    entries.splice(1, 1);
    expect(verifyChain(entries)).toMatchObject({ ok: false, index: 1 });
  });
});

describe('signed packs', () => {
  test('a pack verifies with its tenant key, and not with another tenant key', async () => {
    const key = await tenantKey(seed, 't1');
    const pack = await buildPack('t1', 'run-1', inputs, key, new Date('2026-01-01T00:00:00Z'));
    expect(await verifyPack(JSON.parse(JSON.stringify(pack)))).toMatchObject({ ok: true, entries: 4 });
    const other = await tenantKey(seed, 't2');
    expect(other.publicJwk.x).not.toBe(key.publicJwk.x);
    expect(await verifyPack(pack, other.publicJwk)).toMatchObject({ ok: false, reason: /signature/ });
  });

  test('the same seed and tenant give the same key (every gateway copy signs alike)', async () => {
    expect((await tenantKey(seed, 't1')).publicJwk).toEqual((await tenantKey(seed, 't1')).publicJwk);
  });

  test('a re-chained, re-headed pack still fails: the signature covers the head', async () => {
    const key = await tenantKey(seed, 't1');
    const pack = await buildPack('t1', 'run-1', inputs, key, new Date());
    const forged = chainEntries([
      ...inputs.slice(0, 3),
      { ...inputs[3]!, data: { sha256: 'cd'.repeat(32) } },
    ]);
    const result = await verifyPack({ ...pack, entries: forged, head: forged.at(-1)!.hash });
    expect(result).toMatchObject({ ok: false, reason: "the signed head does not match the pack's" });
  });
});
