/** Runner RPCs and messages beyond starting a run: timers, cancel, lists, history, approvals. */
import { z } from 'zod';
import { ApprovalQuery, ApprovalView, Caller, DecisionBody, DecisionView } from './approvals.ts';
import { rpc } from './rpc.ts';
import { pageOf, RunStatus, RunView } from './views.ts';

/** A durable timer came due (`run.event.<tenant>.<run>`); the event id is the timer row's id. */
export const TimerFired = z.object({ runId: z.uuid(), key: z.string(), dueAt: z.string() });
export type TimerFired = z.infer<typeof TimerFired>;

export const RunSummary = RunView.pick({
  id: true,
  workflowId: true,
  workflowVersion: true,
  status: true,
  createdAt: true,
  updatedAt: true,
  finishedAt: true,
  error: true,
});
export type RunSummary = z.infer<typeof RunSummary>;

/** `GET /api/workflows/:id/runs` query. */
export const RunQuery = z.object({
  status: RunStatus.optional(),
  /** Runs created at or after / before these times (ISO). */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type RunQuery = z.infer<typeof RunQuery>;

/** One applied event of a run, for `GET /api/runs/:runId/events`. */
export const RunHistoryEntry = z.object({
  seq: z.int(),
  eventType: z.string(),
  at: z.string(),
  status: RunStatus,
});
export type RunHistoryEntry = z.infer<typeof RunHistoryEntry>;

export const runnerRpcs = {
  cancelRun: rpc(
    'runner',
    'cancel-run',
    z.object({ runId: z.uuid(), actor: z.string(), reason: z.string().max(2000).optional() }),
    RunView,
  ),
  listRuns: rpc('runner', 'list-runs', RunQuery.extend({ workflowId: z.uuid() }), pageOf(RunSummary)),
  runHistory: rpc(
    'runner',
    'run-history',
    z.object({ runId: z.uuid(), after: z.int().nonnegative().default(0) }),
    z.object({ items: z.array(RunHistoryEntry), run: RunView }),
  ),
  listApprovals: rpc(
    'runner',
    'list-approvals',
    ApprovalQuery.extend({ caller: Caller }),
    pageOf(ApprovalView),
  ),
  getApproval: rpc('runner', 'get-approval', z.object({ approvalId: z.uuid() }), ApprovalView),
  decideApproval: rpc(
    'runner',
    'decide-approval',
    DecisionBody.extend({ approvalId: z.uuid(), caller: Caller }),
    z.object({ approval: ApprovalView, decision: DecisionView }),
  ),
} as const;
