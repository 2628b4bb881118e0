import type { StepRecord } from '@riskloop/contracts';
import { describe, expect, it } from 'vitest';
import { percentile, runMetrics, sinceTime, stepTimings } from './run-metrics.ts';

const at = (ms: number) => new Date(Date.UTC(2025, 0, 1) + ms).toISOString();
const run = (status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled', ms?: number) => ({
  status,
  createdAt: at(0),
  ...(ms === undefined ? {} : { finishedAt: at(ms) }),
});
const step = (id: string, status: StepRecord['status'], durationMs?: number): StepRecord => ({
  id,
  type: 'webhook',
  status,
  attempts: 1,
  ...(durationMs === undefined ? {} : { durationMs }),
});

describe('percentile', () => {
  it('is the nearest rank: always one of the observations', () => {
    const values = [50, 10, 40, 20, 30];
    expect(percentile(values, 0.5)).toBe(30);
    expect(percentile(values, 0.95)).toBe(50);
    expect(percentile(values, 0)).toBe(10);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('runMetrics', () => {
  it('counts runs by status and takes the success rate over finished runs only', () => {
    const m = runMetrics([
      run('succeeded', 100),
      run('succeeded', 300),
      run('succeeded', 200),
      run('failed', 1_000),
      run('running'),
      run('queued'),
    ]);
    expect(m.runs).toBe(6);
    expect(m.byStatus).toEqual({ queued: 1, running: 1, succeeded: 3, failed: 1, cancelled: 0 });
    expect(m.successRate).toBe(0.75);
    expect(m.durationMs).toEqual({ p50: 200, p95: 1_000, max: 1_000 });
  });

  it('has no rate and no durations when nothing has finished', () => {
    const m = runMetrics([run('running')]);
    expect(m.successRate).toBeNull();
    expect(m.durationMs).toBeNull();
    expect(runMetrics([]).runs).toBe(0);
  });
});

describe('stepTimings', () => {
  it('gives each step its finished count, failures, skips and duration percentiles, in first-seen order', () => {
    const timings = stepTimings([
      { steps: [step('fetch', 'succeeded', 10), step('post', 'succeeded', 100)] },
      { steps: [step('fetch', 'succeeded', 30), step('post', 'failed', 400)] },
      { steps: [step('fetch', 'succeeded', 20), step('post', 'skipped'), step('wait', 'waiting')] },
    ]);
    expect(timings).toEqual([
      { step: 'fetch', count: 3, failures: 0, skipped: 0, p50Ms: 20, p95Ms: 30 },
      { step: 'post', count: 2, failures: 1, skipped: 1, p50Ms: 100, p95Ms: 400 },
      { step: 'wait', count: 0, failures: 0, skipped: 0, p50Ms: null, p95Ms: null },
    ]);
  });

  it('falls back to startedAt/finishedAt when a step has no recorded duration', () => {
    const timed = { ...step('post', 'succeeded'), startedAt: at(0), finishedAt: at(250) };
    expect(stepTimings([{ steps: [timed] }])[0]).toMatchObject({ p50Ms: 250, p95Ms: 250 });
  });
});

describe('sinceTime', () => {
  const now = new Date('2025-03-31T00:00:00.000Z');
  it('reads a span back from now, or an ISO time', () => {
    expect(sinceTime('30d', now).toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(sinceTime('12h', now).toISOString()).toBe('2025-03-30T12:00:00.000Z');
    expect(sinceTime('2025-01-01T00:00:00Z', now).toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });

  it('refuses anything else, naming the option', () => {
    expect(() => sinceTime('a month', now)).toThrow(/--since/);
  });
});
