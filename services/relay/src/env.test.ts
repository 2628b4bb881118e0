import { parseEnv } from '@riskloop/kit';
import { describe, expect, test } from 'vitest';
import { Env } from './env.ts';

const base = { RISKLOOP_MASTER_KEYS: `v1:${Buffer.alloc(32).toString('base64')}` };

describe('relay env: the S3 artifact store', () => {
  test('is configured by RELAY_S3_* variables', () => {
    const env = parseEnv(Env, {
      ...base,
      RELAY_ARTIFACT_STORE: 's3',
      RELAY_S3_BUCKET: 'grc-artifacts',
      RELAY_S3_ENDPOINT: 'http://127.0.0.1:9000',
      RELAY_S3_FORCE_PATH_STYLE: 'true',
      RELAY_S3_ACCESS_KEY_ID: 'minio',
      RELAY_S3_SECRET_ACCESS_KEY: 'minio-secret',
    });
    expect(env).toMatchObject({
      RELAY_ARTIFACT_STORE: 's3',
      RELAY_S3_BUCKET: 'grc-artifacts',
      RELAY_S3_REGION: 'us-east-1',
      RELAY_S3_FORCE_PATH_STYLE: true,
      RELAY_S3_PREFIX: '',
    });
  });

  test('stops the boot naming the key that is missing', () => {
    expect(() => parseEnv(Env, { ...base, RELAY_ARTIFACT_STORE: 's3' })).toThrow(
      'RELAY_S3_BUCKET: set RELAY_S3_BUCKET for RELAY_ARTIFACT_STORE=s3',
    );
    expect(() =>
      parseEnv(Env, {
        ...base,
        RELAY_ARTIFACT_STORE: 's3',
        RELAY_S3_BUCKET: 'b',
        RELAY_S3_ACCESS_KEY_ID: 'k',
      }),
    ).toThrow(
      'RELAY_S3_SECRET_ACCESS_KEY: set RELAY_S3_ACCESS_KEY_ID and RELAY_S3_SECRET_ACCESS_KEY together',
    );
  });
});
