/**
 * An S3-compatible object store, path-style (`/<bucket>/<key>`), as MinIO or Ceph answer it: PutObject,
 * GetObject, HeadObject, DeleteObject and ListObjectsV2 on one bucket, with user metadata
 * (`x-amz-meta-*`) and the content type kept beside the bytes, and errors as S3's XML. Every request must
 * carry an AWS Signature V4 `Authorization` for the fake's access key, and the signature is checked with
 * its secret the way S3 does (canonical request, string to sign, derived key): a wrong key or secret, or a
 * changed header or body, is a 403. A `x-amz-checksum-crc32` sent with a PUT is checked and returned on
 * GET, so the SDK's own checksum validation runs too.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { startFakeServer, type FakeReply, type FakeRequest, type FakeServer } from './fake-server.ts';

export interface S3Object {
  content: Buffer;
  contentType: string;
  metadata: Record<string, string>;
  checksumCrc32?: string;
  etag: string;
  lastModified: Date;
}

export interface S3Fake extends FakeServer {
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Objects by key. */
  objects: Map<string, S3Object>;
  /** The access key id of every request whose signature checked out, in order. */
  signedBy: string[];
}

export interface S3FakeOptions {
  bucket?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

const xml = (status: number, body: string, headers: Record<string, string> = {}): FakeReply => ({
  status,
  body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
  headers: { 'content-type': 'application/xml', ...headers },
});
const escapeXml = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[c]};`);
const s3Error = (status: number, code: string, message: string) =>
  xml(status, `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`);

/** RFC 3986 encoding, as SigV4 wants for query names and values. */
const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** Why the request's SigV4 signature does not hold for this key pair, or undefined when it does. */
export function checkSigV4(
  request: FakeRequest,
  keys: { accessKeyId: string; secretAccessKey: string; region: string },
): { code: string; message: string } | undefined {
  const header = String(request.headers.authorization ?? '');
  const parsed =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      header,
    );
  if (!parsed)
    return { code: 'AccessDenied', message: 'an AWS Signature V4 Authorization header is required' };
  const [, accessKeyId, day, region, signedHeaders, signature] = parsed as unknown as string[];
  if (accessKeyId !== keys.accessKeyId)
    return { code: 'InvalidAccessKeyId', message: `unknown access key ${accessKeyId}` };
  if (region !== keys.region)
    return { code: 'AuthorizationHeaderMalformed', message: `the region ${region} is wrong` };
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const payloadHash = String(request.headers['x-amz-content-sha256'] ?? '');
  if (!amzDate.startsWith(day!)) return { code: 'AccessDenied', message: 'x-amz-date does not match' };
  if (!payloadHash) return { code: 'InvalidRequest', message: 'x-amz-content-sha256 is required' };
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256Hex(request.raw))
    return { code: 'XAmzContentSHA256Mismatch', message: 'the body does not match x-amz-content-sha256' };
  const [path = '/', query = ''] = request.target.split('?');
  const canonicalQuery = [...new URLSearchParams(query)]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const names = signedHeaders!.split(';');
  const canonicalHeaders = names
    .map(
      (name) =>
        `${name}:${String(request.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonicalRequest = [
    request.method,
    path,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${keys.secretAccessKey}`, day!), region), 's3'), 'aws4_request');
  const expected = createHmac('sha256', key).update(toSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature!, 'hex')))
    return { code: 'SignatureDoesNotMatch', message: 'the request signature does not match' };
  return undefined;
}

const crc32Base64 = (content: Buffer) => {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(crc32(content));
  return value.toString('base64');
};

export async function startS3Fake(options: S3FakeOptions = {}): Promise<S3Fake> {
  const bucket = options.bucket ?? 'riskloop-artifacts';
  const keys = {
    region: options.region ?? 'us-east-1',
    accessKeyId: options.accessKeyId ?? 'AKIAFAKEACCESSKEY',
    secretAccessKey: options.secretAccessKey ?? 'fake/secret/access/key',
  };
  const objects = new Map<string, S3Object>();
  const signedBy: string[] = [];

  /** The checks every request passes before its operation: signature, then bucket. */
  const guard = (request: FakeRequest, name: string | undefined): FakeReply | undefined => {
    const refused = checkSigV4(request, keys);
    if (refused) return s3Error(403, refused.code, refused.message);
    signedBy.push(keys.accessKeyId);
    if (name !== bucket) return s3Error(404, 'NoSuchBucket', `no bucket ${name ?? ''}`);
    return undefined;
  };
  const objectHeaders = (o: S3Object): Record<string, string> => ({
    'content-type': o.contentType,
    'content-length': String(o.content.length),
    etag: o.etag,
    'last-modified': o.lastModified.toUTCString(),
    ...(o.checksumCrc32 ? { 'x-amz-checksum-crc32': o.checksumCrc32 } : {}),
    ...Object.fromEntries(Object.entries(o.metadata).map(([k, v]) => [`x-amz-meta-${k}`, v])),
  });
  const keyOf = (raw: string | undefined) => decodeURIComponent(raw ?? '');

  const list = (request: FakeRequest): FakeReply => {
    if (request.query.get('list-type') !== '2')
      return s3Error(400, 'InvalidArgument', 'only ListObjectsV2 is served');
    const prefix = request.query.get('prefix') ?? '';
    const max = Math.min(Number(request.query.get('max-keys') ?? 1000), 1000);
    const after = request.query.get('continuation-token') ?? '';
    const all = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
    const page = all.slice(0, max);
    const truncated = all.length > page.length;
    const contents = page
      .map((k) => {
        const o = objects.get(k)!;
        return `<Contents><Key>${escapeXml(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${escapeXml(o.etag)}</ETag><Size>${o.content.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
      })
      .join('');
    return xml(
      200,
      `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${truncated ? `<NextContinuationToken>${escapeXml(page.at(-1)!)}</NextContinuationToken>` : ''}</ListBucketResult>`,
    );
  };

  const put = (request: FakeRequest, key: string): FakeReply => {
    const sentCrc = request.headers['x-amz-checksum-crc32'];
    if (typeof sentCrc === 'string' && sentCrc !== crc32Base64(request.raw))
      return s3Error(400, 'BadDigest', 'the CRC32 checksum does not match the body');
    const metadata = Object.fromEntries(
      Object.entries(request.headers)
        .filter(([name]) => name.startsWith('x-amz-meta-'))
        .map(([name, value]) => [name.slice('x-amz-meta-'.length), String(value)]),
    );
    const object: S3Object = {
      content: Buffer.from(request.raw),
      contentType: String(request.headers['content-type'] ?? 'application/octet-stream'),
      metadata,
      ...(typeof sentCrc === 'string' ? { checksumCrc32: sentCrc } : {}),
      etag: `"${createHash('md5').update(request.raw).digest('hex')}"`,
      lastModified: new Date(),
    };
    objects.set(key, object);
    return { status: 200, body: '', headers: { etag: object.etag } };
  };

  // `/<bucket>`, `/<bucket>/` (the bucket itself, as the SDK lists it) or `/<bucket>/<key>`.
  const path = /^\/([^/]+)(?:\/(.+)?)?$/;
  const server = await startFakeServer([
    {
      method: 'GET',
      path,
      reply: (request, [name, rawKey]) => {
        const refused = guard(request, name);
        if (refused) return refused;
        if (rawKey === undefined) return list(request);
        const object = objects.get(keyOf(rawKey));
        if (!object) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
        return { status: 200, body: object.content, headers: objectHeaders(object) };
      },
    },
    {
      method: 'HEAD',
      path,
      reply: (request, [name, rawKey]) => {
        const refused = guard(request, name);
        if (refused) return { status: refused.status, body: '' };
        const object = objects.get(keyOf(rawKey));
        if (!object) return { status: 404, body: '' };
        return { status: 200, body: '', headers: objectHeaders(object) };
      },
    },
    {
      method: 'PUT',
      path,
      reply: (request, [name, rawKey]) =>
        guard(request, name) ??
        (rawKey === undefined
          ? s3Error(400, 'InvalidRequest', 'a key is required')
          : put(request, keyOf(rawKey))),
    },
    {
      method: 'DELETE',
      path,
      reply: (request, [name, rawKey]) => {
        const refused = guard(request, name);
        if (refused) return refused;
        objects.delete(keyOf(rawKey));
        return { status: 204 };
      },
    },
  ]);
  return { ...server, bucket, ...keys, objects, signedBy };
}
