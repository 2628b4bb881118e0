/**
 * `npm run bench -- --quick --scale-out` end to end: the report's JSON (last stdout line and the file under
 * bench/results/) has every figure, and no run or effect was lost or duplicated, also with a runner killed
 * mid-load. No timing is asserted: speed is what the bench reports, not what a test can promise.
 */
import { runScript } from '@riskloop/testkit';
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const percentiles = { p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number) };

it('runs the standard workload and the scale-out kill, and reports figures with nothing lost or repeated', async () => {
  const before = new Set(readdirSync('bench/results', { withFileTypes: true }).map((d) => d.name));
  const result = await runScript(
    'bench/main.ts',
    ['--quick', '--levels', '8', '--runs', '60', '--tenants', '2', '--scale-out'],
    {},
  );
  expect(result.code, result.stderr.slice(-3000)).toBe(0);
  const lines = result.stdout.trim().split('\n');
  expect(lines.some((l) => l.includes('runs/s'))).toBe(true);
  const report = JSON.parse(lines.at(-1) ?? '{}');

  expect(report.ceilings).toMatchObject({
    pgCommitsPerSec1: expect.any(Number),
    pgCommitsPerSec8: expect.any(Number),
    jsPublishAckPerSec1: expect.any(Number),
    jsPublishAckPerSec256: expect.any(Number),
  });
  expect(report.ceilings.pgCommitsPerSec1).toBeGreaterThan(0);
  expect(report.levels).toHaveLength(1);
  expect(report.levels[0]).toMatchObject({
    inFlight: 8,
    breaches: 60,
    completed: 60,
    failed: 0,
    runsPerSec: expect.any(Number),
    stepTransitionsPerSec: expect.any(Number),
    commitsPerRun: expect.any(Number),
    firstEffectMs: percentiles,
    completedMs: percentiles,
    cpuMsPerRun: expect.objectContaining({ runner: expect.any(Number), relay: expect.any(Number) }),
  });
  expect(report.levels[0].runsPerSec).toBeGreaterThan(0);
  expect(report.halfLoad).toMatchObject({ perSecond: expect.any(Number), completedMs: percentiles });
  expect(report.ratios).toMatchObject({
    runsPerSecToPgCommits1: expect.any(Number),
    commitsUsedToPgCommits8: expect.any(Number),
    stepTransitionsToJsPublish1: expect.any(Number),
  });
  expect(report.rssMb.runner).toBeGreaterThan(0);
  expect(report.rssMb.relay).toBeGreaterThan(0);
  // Every breach became one run that succeeded, with its three webhooks each made once.
  expect(report.effects).toMatchObject({ lost: 0, lostEffects: 0, duplicated: 0 });
  expect(report.effects.completed).toBe(report.effects.breaches);
  expect(report.effects.distinct).toBe(report.effects.breaches * 3);

  // Two runners and two relays shared the work; one runner was killed; nothing was lost or repeated.
  expect(report.scaleOut).toMatchObject({
    runners: 2,
    relays: 2,
    lostRuns: 0,
    lostEffects: 0,
    duplicatedEffects: 0,
  });
  expect(report.scaleOut.completed).toBe(report.scaleOut.breaches);
  expect(Object.values(report.scaleOut.runnerSplit as Record<string, number>).every((n) => n > 0)).toBe(true);
  expect(Object.values(report.scaleOut.relaySplit as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(
    report.scaleOut.breaches * 3,
  );

  const written = readdirSync('bench/results').filter((name) => !before.has(name));
  expect(written).toHaveLength(1);
  expect(JSON.parse(readFileSync(`bench/results/${written[0]}`, 'utf8'))).toEqual(report);
}, 900_000);
