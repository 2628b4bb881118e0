import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fsArtifactStore } from './fs-store.ts';
import { artifactStoreContract } from './store-contract.ts';
import { artifactOf, sha256Hex } from './store.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'riskloop-artifacts-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('artifacts', () => {
  test('an artifact records its size, media type and hash, and is refused over the limit', () => {
    const bytes = Buffer.from('# Report\n');
    expect(artifactOf('r.md', 'report', bytes, 100)).toMatchObject({
      size: bytes.length,
      mediaType: 'text/markdown; charset=utf-8',
      sha256: sha256Hex(bytes),
    });
    expect(() => artifactOf('r.pdf', 'report', Buffer.alloc(101), 100)).toThrow(
      'artifact r.pdf is 101 bytes, over the limit of 100 bytes (RELAY_ARTIFACT_MAX_BYTES)',
    );
  });

  test('a path segment cannot climb out of the store', async () => {
    const store = fsArtifactStore(root);
    await expect(store.get('..', 'run-1', 'a.html')).rejects.toThrow(/unsafe path segment/);
    await expect(store.get('t1', 'run-1', '../x')).rejects.toThrow(/unsafe path segment/);
  });
});

artifactStoreContract('filesystem', () => fsArtifactStore(root));
