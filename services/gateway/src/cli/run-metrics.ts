/**
 * What `riskloop workflow metrics` computes from a workflow's runs, kept pure: counts by status, success
 * rate, run durations, and per-step timing from the runs' records. The caller fetches; time is an input.
 */
import type { RunStatus, RunSummary, RunView } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';

export interface Spread {
  p50: number;
  p95: number;
  max: number;
}

export interface StepTiming {
  step: string;
  /** Executions that finished (succeeded, failed or cancelled); skipped ones are counted apart. */
  count: number;
  failures: number;
  skipped: number;
  /** Over the finished executions with a recorded duration; null when there is none. */
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface WorkflowMetrics {
  runs: number;
  byStatus: Record<RunStatus, number>;
  /** Succeeded over finished (succeeded, failed, cancelled) runs; null when none has finished. */
  successRate: number | null;
  /** Run durations (created to finished) in milliseconds, over finished runs. */
  durationMs: Spread | null;
}

const statuses: readonly RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
const finished = new Set<string>(['succeeded', 'failed', 'cancelled']);

/**
 * The nearest-rank percentile of `values` (`q` in 0..1): the smallest value with at least `q` of them at or
 * below it, so it is always one of the observations.
 */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] ?? null;
}

function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  return {
    p50: percentile(values, 0.5) as number,
    p95: percentile(values, 0.95) as number,
    max: Math.max(...values),
  };
}

/** Milliseconds from one ISO time to another; null while the second is absent (still running). */
export const elapsedMs = (from: string | undefined, to: string | null | undefined): number | null =>
  from && to ? Math.max(0, Date.parse(to) - Date.parse(from)) : null;

export function runMetrics(runs: readonly Pick<RunSummary, 'status' | 'createdAt' | 'finishedAt'>[]) {
  const byStatus = Object.fromEntries(statuses.map((s) => [s, 0])) as Record<RunStatus, number>;
  const durations: number[] = [];
  for (const run of runs) {
    byStatus[run.status] += 1;
    const ms = finished.has(run.status) ? elapsedMs(run.createdAt, run.finishedAt) : null;
    if (ms !== null) durations.push(ms);
  }
  const done = byStatus.succeeded + byStatus.failed + byStatus.cancelled;
  const metrics: WorkflowMetrics = {
    runs: runs.length,
    byStatus,
    successRate: done === 0 ? null : byStatus.succeeded / done,
    durationMs: spread(durations),
  };
  return metrics;
}

/** Per step id, in the order the steps first appear in the records. */
export function stepTimings(records: readonly Pick<RunView, 'steps'>[]): StepTiming[] {
  const byStep = new Map<string, { count: number; failures: number; skipped: number; ms: number[] }>();
  for (const record of records) {
    for (const step of record.steps) {
      let entry = byStep.get(step.id);
      if (!entry) byStep.set(step.id, (entry = { count: 0, failures: 0, skipped: 0, ms: [] }));
      if (step.status === 'skipped') entry.skipped += 1;
      if (!finished.has(step.status)) continue;
      entry.count += 1;
      if (step.status === 'failed') entry.failures += 1;
      const ms = step.durationMs ?? elapsedMs(step.startedAt, step.finishedAt);
      if (ms !== null) entry.ms.push(ms);
    }
  }
  return [...byStep].map(([step, e]) => ({
    step,
    count: e.count,
    failures: e.failures,
    skipped: e.skipped,
    p50Ms: percentile(e.ms, 0.5),
    p95Ms: percentile(e.ms, 0.95),
  }));
}

const units: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since 30d` (or `12h`, `2w`, `90m`, or an ISO time) -> the time runs are counted from. */
export function sinceTime(since: string, now: Date): Date {
  const match = /^(\d+)\s*([smhdw])$/.exec(since.trim());
  if (match) return new Date(now.getTime() - Number(match[1]) * (units[match[2] as string] as number));
  const at = Date.parse(since);
  if (Number.isNaN(at))
    throw RiskloopError.invalid(
      `--since takes a span like 30d, 12h, 2w or an ISO time, not "${since}"`,
      'since',
    );
  return new Date(at);
}
