/**
 * Approvals: what an approval step asks for, the decisions people make, and how the API shows them. The
 * runner owns approvals and decisions; the gateway's `/api/approvals` routes call the runner's RPCs.
 */
import { z } from 'zod';

/** One resolved approver entry: a person, everyone holding a role, or everyone in a group. */
export const Approver = z.union([
  z.object({ user: z.string().min(1) }),
  z.object({ role: z.string().min(1) }),
  z.object({ group: z.string().min(1) }),
]);
export type Approver = z.infer<typeof Approver>;

export const ApprovalStatus = z.enum(['pending', 'approved', 'rejected', 'timed_out', 'cancelled']);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

export const DecisionKind = z.enum(['approve', 'reject']);

/** Who is calling: the principal the gateway authenticated (never from the request body). */
export const Caller = z.object({
  actor: z.string(),
  user: z.string().optional(),
  role: z.string(),
  groups: z.array(z.string()).default([]),
});
export type Caller = z.infer<typeof Caller>;

export const DecisionView = z.object({
  id: z.uuid(),
  decision: DecisionKind,
  /** The deciding principal as recorded (`user:<id>` or `key:<id>`), with the approver entry it matched. */
  actor: z.string(),
  user: z.string().optional(),
  approver: Approver,
  comment: z.string().nullable(),
  at: z.string(),
});
export type DecisionView = z.infer<typeof DecisionView>;

export const ApprovalView = z.object({
  id: z.uuid(),
  runId: z.uuid(),
  workflowId: z.uuid(),
  stepId: z.string(),
  status: ApprovalStatus,
  message: z.string().nullable(),
  /** Who may decide now (after an escalation, the escalation set). */
  approvers: z.array(Approver),
  order: z.enum(['parallel', 'sequential']),
  mode: z.enum(['any', 'all', 'quorum']),
  /** Approvals needed. */
  needed: z.int(),
  /** Who asked (the run's starter and the payload's `requester`): never an eligible approver. */
  requesters: z.array(z.string()),
  escalated: z.boolean(),
  decisions: z.array(DecisionView),
  dueAt: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
});
export type ApprovalView = z.infer<typeof ApprovalView>;

/** `POST /api/approvals/:id/decisions`. */
export const DecisionBody = z.strictObject({
  decision: DecisionKind,
  comment: z.string().max(4000).optional(),
});
export type DecisionBody = z.infer<typeof DecisionBody>;

/** `GET /api/approvals` query: the caller's inbox by default. */
export const ApprovalQuery = z.object({
  status: ApprovalStatus.optional(),
  workflowId: z.uuid().optional(),
  runId: z.uuid().optional(),
  /** `mine` (default): approvals the caller may decide now; `all`: every approval of the tenant. */
  scope: z.enum(['mine', 'all']).default('mine'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ApprovalQuery = z.infer<typeof ApprovalQuery>;
