/** `npm run bench:profile`: a V8 CPU profile summed by where its code comes from, idle time left out. */
import { describe, expect, it } from 'vitest';
import { packageOf, summarize } from '../bench/profile-summary.ts';

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

describe('profile summary', () => {
  it('names the package of a frame', () => {
    expect(packageOf('file:///app/node_modules/pg/lib/client.js', 'query')).toBe('pg');
    expect(packageOf('file:///app/node_modules/@nats-io/nats-core/lib/nats.js', 'publish')).toBe(
      '@nats-io/nats-core',
    );
    expect(packageOf('file:///app/services/runner/src/run-host.ts', 'apply')).toBe('ours: services/runner');
    expect(packageOf('file:///app/packages/db/src/direct.ts', 'execute')).toBe('ours: packages/db');
    expect(packageOf('node:net', 'write')).toBe('node:net');
    expect(packageOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(packageOf('', 'writeBuffer')).toBe('(native)');
  });

  it('sums self time by package and function, without idle time', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('(idle)', '') },
        { id: 3, callFrame: frame('query', 'file:///app/node_modules/pg/lib/client.js', 9) },
        { id: 4, callFrame: frame('writeBuffer', '') },
        { id: 5, callFrame: frame('apply', 'file:///app/services/runner/src/run-host.ts', 41) },
      ],
      samples: [2, 3, 4, 4, 5, 2, 3],
      timeDeltas: [5_000, 1_000, 2_000, 2_000, 4_000, 9_000, 1_000],
    };
    const summary = summarize('runner-1.cpuprofile', profile, 10);
    expect(summary.busyMs).toBe(10);
    expect(summary.packages).toEqual([
      { name: '(native)', ms: 4, share: 0.4 },
      { name: 'ours: services/runner', ms: 4, share: 0.4 },
      { name: 'pg', ms: 2, share: 0.2 },
    ]);
    expect(summary.functions[0]).toEqual({ name: 'writeBuffer', where: ':1', ms: 4, share: 0.4 });
    expect(summary.functions.map((f) => f.name)).toEqual(['writeBuffer', 'apply', 'query']);
    expect(summary.functions[1]?.where).toBe('services/runner/src/run-host.ts:42');
  });
});
