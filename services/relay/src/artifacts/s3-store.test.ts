/**
 * The S3 artifact store through the real AWS SDK client against the testkit's S3 fake (path-style, SigV4
 * checked with the fake's secret): the shared store contract, then what is particular to S3.
 */
import { startS3Fake, type S3Fake } from '@riskloop/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { s3ArtifactStore, type S3ArtifactStoreOptions } from './s3-store.ts';
import { artifactStoreContract } from './store-contract.ts';
import { artifactOf } from './store.ts';

let s3: S3Fake;
beforeAll(async () => {
  s3 = await startS3Fake({ bucket: 'grc-artifacts', region: 'eu-west-1' });
});
afterAll(() => s3.close());

const options = (overrides: Partial<S3ArtifactStoreOptions> = {}): S3ArtifactStoreOptions => ({
  bucket: s3.bucket,
  region: s3.region,
  endpoint: s3.url,
  forcePathStyle: true,
  credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  prefix: 'riskloop/',
  ...overrides,
});

artifactStoreContract('S3', () => s3ArtifactStore(options()));

describe('the S3 artifact store', () => {
  test('writes one object per artifact under the prefix, path-style, signed with the access key', async () => {
    const before = s3.requests.length;
    const store = s3ArtifactStore(options());
    await store.put('acme', 'run-1', artifactOf('r.pdf', 'doc', Buffer.from('%PDF-1.7'), 1000));
    const object = s3.objects.get('riskloop/acme/run-1/r.pdf');
    expect(object?.content.toString()).toBe('%PDF-1.7');
    expect(object?.contentType).toBe('application/pdf');
    expect(object?.metadata).toMatchObject({ 'riskloop-step': 'doc' });
    const request = s3.requests[before]!;
    expect(request).toMatchObject({ method: 'PUT', path: '/grc-artifacts/riskloop/acme/run-1/r.pdf' });
    expect(request.headers.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${s3.accessKeyId}/\\d{8}/eu-west-1/s3/aws4_request, `),
    );
    expect(s3.signedBy.at(-1)).toBe(s3.accessKeyId);
  });

  test('a wrong secret is refused by the store and fails as artifact_store_unavailable', async () => {
    const before = s3.objects.size;
    const store = s3ArtifactStore(
      options({ credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: 'not-the-secret' } }),
    );
    await expect(
      store.put('acme', 'run-2', artifactOf('r.md', 'doc', Buffer.from('x'), 1000)),
    ).rejects.toMatchObject({ code: 'artifact_store_unavailable', message: /signature does not match/ });
    await expect(store.list('acme', 'run-1')).rejects.toMatchObject({ code: 'artifact_store_unavailable' });
    expect(s3.objects.size).toBe(before);
  });

  test('an object changed in the bucket is refused on read, not handed on', async () => {
    const store = s3ArtifactStore(options());
    await store.put('acme', 'run-3', artifactOf('r.md', 'doc', Buffer.from('# true'), 1000));
    const object = s3.objects.get('riskloop/acme/run-3/r.md')!;
    object.content = Buffer.from('# fake');
    // Without a stored checksum the SDK has nothing to compare: the store's own hash check must catch it.
    delete object.checksumCrc32;
    await expect(store.get('acme', 'run-3', 'r.md')).rejects.toMatchObject({ code: 'artifact_corrupt' });
  });

  test('a key segment cannot climb out of the prefix', async () => {
    const store = s3ArtifactStore(options());
    await expect(store.get('..', 'run-1', 'a.html')).rejects.toThrow(/unsafe key segment/);
    await expect(store.get('acme', 'run-1', '../x')).rejects.toThrow(/unsafe key segment/);
  });
});
