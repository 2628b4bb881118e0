/**
 * Crash safety in CI: a smaller chaos run than `npm run chaos` (which is what the figures come from). The
 * runner is `kill -9`ed at random while runs mix effects, approvals and timers; nothing may be lost, stuck
 * or done twice.
 */
import { expect, it } from 'vitest';
import { runChaos } from '../infra/chaos/run-chaos.ts';

it('loses no run and repeats no effect while the runner is killed again and again', async () => {
  const report = await runChaos({ runs: 120, kills: 4, settleMs: 90_000 });
  expect(report.kills).toBeGreaterThanOrEqual(4);
  expect(report).toMatchObject({
    lost: 0,
    stuck: 0,
    failed: 0,
    duplicateEffects: 0,
    missingEffects: 0,
    deadLetters: 0,
  });
  expect(report.succeeded).toBe(120);
  expect(report.approvalsDecided).toBe(40);
}, 240_000);
