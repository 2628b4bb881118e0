/**
 * The runs this runner copy wrote last, as it wrote them. A run's next event usually comes back to the
 * copy that dispatched its step, which then computes the transition without reading the run row first.
 * The write is still a compare-and-swap on the row's version: an entry made stale by another copy only
 * fails it, and the run is read afresh. Bounded: the least recently written run goes first.
 */
import type { RunContext } from './machine/index.ts';

export interface RecentRun {
  id: string;
  tenant_id: string;
  workflow_id: string;
  workflow_version: number;
  status: string;
  snapshot: { value: unknown; context: RunContext };
  version: number;
}

export function createRecentRuns(limit = 10_000) {
  const runs = new Map<string, RecentRun>();
  return {
    get(tenant: string, runId: string): RecentRun | undefined {
      const run = runs.get(runId);
      return run?.tenant_id === tenant ? run : undefined;
    },
    /** Remember a run as just written; a finished run is forgotten (no event moves it on). */
    written(run: RecentRun): void {
      runs.delete(run.id);
      if (run.status !== 'running') return;
      if (runs.size >= limit) runs.delete(runs.keys().next().value as string);
      runs.set(run.id, run);
    },
    forget(runId: string): void {
      runs.delete(runId);
    },
  };
}

export type RecentRuns = ReturnType<typeof createRecentRuns>;
