import { streams } from '@riskloop/contracts';
import { describe, expect, test } from 'vitest';
import { streamConfig } from './streams.ts';

const names = { subject: (s: string) => `p1.${s}`, streamName: (n: string) => `p1_${n}` };

describe('streamConfig', () => {
  test('one replica unless asked (a single NATS server can hold no more)', () => {
    expect(streamConfig(names, streams.runs).num_replicas).toBe(1);
  });

  test('replicas as configured, with the deployment prefix on name and subjects', () => {
    const config = streamConfig(names, streams.runs, { replicas: 3 });
    expect(config).toMatchObject({ name: 'p1_RUNS', subjects: ['p1.run.>'], num_replicas: 3 });
  });

  test('a replica count JetStream would refuse is an error before any call', () => {
    for (const replicas of [0, 6, 1.5])
      expect(() => streamConfig(names, streams.runs, { replicas })).toThrow(/from 1 to 5/);
  });
});
