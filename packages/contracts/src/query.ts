/**
 * The `query` step: a read of riskloop's own records (runs, approvals, the KRI events workflows emitted)
 * over a time window, for reports. The runner executes it (`stepExecutors.query`), reading runs and
 * approvals itself and asking the kri-emitter for KRI events. Its output is `{ count, items }`: `count`
 * is every match in the window, `items` at most `limit` of them, newest first.
 */
import { z } from 'zod';
import { KriEventRecord } from './kri.ts';
import { rpc } from './rpc.ts';

export type QuerySource = 'runs' | 'approvals' | 'kri_events';

/**
 * The filter keys each source knows. A filter value is one value or a list (any of them). KRI events also
 * match on any key of the attributes their `emit_kri` step set (e.g. `framework`).
 */
export const queryFilterKeys: Record<QuerySource, readonly string[]> = {
  runs: ['status', 'workflow_id', 'workflow_version'],
  approvals: ['status', 'workflow_id', 'run_id', 'step_id'],
  kri_events: ['event', 'kri', 'effect', 'workflow_id', 'run_id', 'step_id'],
};

export const QueryFilterValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number(), z.boolean()])).max(100),
]);
export type QueryFilterValue = z.infer<typeof QueryFilterValue>;

/** What the runner asks the kri-emitter: the step's rendered query, the window already resolved. */
export const KriEventQuery = z.object({
  since: z.iso.datetime({ offset: true }).optional(),
  filter: z.record(z.string(), QueryFilterValue).default({}),
  limit: z.int().min(1).max(10_000),
});
export type KriEventQuery = z.infer<typeof KriEventQuery>;

/** An emitted KRI event as a query reads it: the audit record and its step's attributes. */
export const QueriedKriEvent = KriEventRecord.extend({ attributes: z.record(z.string(), z.unknown()) });

export const QueryOutput = z.object({ count: z.int(), items: z.array(z.record(z.string(), z.unknown())) });
export type QueryOutput = z.infer<typeof QueryOutput>;

export const queryRpcs = {
  /** KRI events the tenant's workflows emitted, for `query` steps with `source: kri_events`. */
  kriEvents: rpc(
    'kri-emitter',
    'query-kri-events',
    KriEventQuery,
    z.object({ count: z.int(), items: z.array(QueriedKriEvent) }),
  ),
} as const;
