import { parseEnv } from '@riskloop/kit';
import { describe, expect, test } from 'vitest';
import { CommonEnv } from './env.ts';

describe('CommonEnv', () => {
  test('NATS_STREAM_REPLICAS defaults to 1 and reads a cluster value', () => {
    expect(parseEnv(CommonEnv, {}).NATS_STREAM_REPLICAS).toBe(1);
    expect(parseEnv(CommonEnv, { NATS_STREAM_REPLICAS: '3' }).NATS_STREAM_REPLICAS).toBe(3);
  });

  test('an out-of-range NATS_STREAM_REPLICAS stops the boot naming the key', () => {
    for (const value of ['0', '6', 'three'])
      expect(() => parseEnv(CommonEnv, { NATS_STREAM_REPLICAS: value })).toThrow(/NATS_STREAM_REPLICAS: /);
  });
});
