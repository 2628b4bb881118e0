/**
 * What every artifact store must do, as tests any store's test file runs against its own store (the
 * filesystem and S3 stores beside the code, PostgreSQL in `test/`): bytes and record kept per tenant and
 * run, a rewrite replacing, listing in creation order, and nothing leaking across tenants or runs.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { artifactOf, sha256Hex, type ArtifactStore } from './store.ts';

/** Every byte value, so an encoding that mangles binary (a PDF) shows. */
const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));

export function artifactStoreContract(name: string, store: () => ArtifactStore): void {
  describe(`the ${name} artifact store`, () => {
    const run = () => ({ tenant: `t-${randomUUID().slice(0, 8)}`, runId: randomUUID() });

    test('keeps the bytes and the record of an artifact', async () => {
      const { tenant, runId } = run();
      const at = new Date('2026-01-02T03:04:05.000Z');
      const artifact = artifactOf('report.pdf', 'render', binary, 10_000, at);
      await store().put(tenant, runId, artifact);
      const got = await store().get(tenant, runId, 'report.pdf');
      expect(got?.content.equals(binary)).toBe(true);
      expect(got).toMatchObject({
        name: 'report.pdf',
        stepId: 'render',
        mediaType: 'application/pdf',
        size: binary.length,
        sha256: sha256Hex(binary),
        createdAt: at.toISOString(),
      });
    });

    test('a rewrite of the same name replaces it', async () => {
      const { tenant, runId } = run();
      await store().put(tenant, runId, artifactOf('a.html', 's', Buffer.from('<p>1</p>'), 1000));
      await store().put(tenant, runId, artifactOf('a.html', 's', Buffer.from('<p>2</p>'), 1000));
      const got = await store().get(tenant, runId, 'a.html');
      expect(got?.content.toString()).toBe('<p>2</p>');
      expect(got?.sha256).toBe(sha256Hex(Buffer.from('<p>2</p>')));
      expect((await store().list(tenant, runId)).map((a) => a.name)).toEqual(['a.html']);
    });

    test('lists a run in creation order, without content, and nothing of other tenants or runs', async () => {
      const { tenant, runId } = run();
      const t0 = Date.parse('2026-03-01T00:00:00Z');
      await store().put(tenant, runId, artifactOf('b.md', 's', Buffer.from('# b'), 1000, new Date(t0 + 2)));
      await store().put(tenant, runId, artifactOf('a.md', 's', Buffer.from('# a'), 1000, new Date(t0 + 1)));
      await store().put(tenant, runId, artifactOf('c.md', 's', Buffer.from('# c'), 1000, new Date(t0 + 1)));
      const listed = await store().list(tenant, runId);
      expect(listed.map((a) => a.name)).toEqual(['a.md', 'c.md', 'b.md']);
      expect(listed[0]).toEqual({
        name: 'a.md',
        stepId: 's',
        mediaType: 'text/markdown; charset=utf-8',
        size: 3,
        sha256: sha256Hex(Buffer.from('# a')),
        createdAt: new Date(t0 + 1).toISOString(),
      });
      expect(await store().list(`${tenant}x`, runId)).toEqual([]);
      expect(await store().list(tenant, randomUUID())).toEqual([]);
      expect(await store().get(`${tenant}x`, runId, 'a.md')).toBeUndefined();
      expect(await store().get(tenant, runId, 'missing.pdf')).toBeUndefined();
    });
  });
}
