/**
 * Approval arithmetic, pure: who may decide now, whether a decision settles the approval, what a timeout
 * does. The machine uses it to move the run; the host uses the same functions to refuse a decision (403,
 * 409) before anything is written, so the two cannot disagree.
 */
import type { Approver, Caller, StepParams } from '@riskloop/contracts';
import { compileExpression } from '@riskloop/expr';
import { RiskloopError } from '@riskloop/kit';
import type { ApprovalState, Decision } from './types.ts';

type ApprovalParams = StepParams['approval'];

const sameApprover = (a: Approver, b: Approver) => JSON.stringify(a) === JSON.stringify(b);

/** Approver entries as written, with `expression` entries evaluated to users (a string or a list). */
export function resolveApprovers(
  entries: ApprovalParams['approvers'] | NonNullable<ApprovalParams['escalate_to']>,
  scope: Record<string, unknown>,
): Approver[] {
  const out: Approver[] = [];
  for (const entry of entries) {
    if (!('expression' in entry)) {
      out.push(entry);
      continue;
    }
    const value = compileExpression(entry.expression)(scope);
    const users = Array.isArray(value) ? value : [value];
    for (const user of users) {
      if (typeof user !== 'string' || user === '')
        throw new Error(
          `approver expression ${entry.expression} gave ${JSON.stringify(user)}, not a user id`,
        );
      out.push({ user });
    }
  }
  if (out.length === 0) throw new Error('the approval resolved to no approvers');
  return out;
}

export function neededApprovals(params: ApprovalParams, approvers: readonly Approver[]): number {
  if (params.mode === 'all') return approvers.length;
  if (params.mode === 'quorum') return Math.min(params.quorum ?? 1, approvers.length);
  return 1;
}

/** Entries not yet decided; in sequential order only the first of them may decide. */
export function eligibleApprovers(state: ApprovalState): Approver[] {
  if (state.status !== 'pending') return [];
  const open = state.approvers.filter((a) => !state.decisions.some((d) => sameApprover(d.approver, a)));
  return state.order === 'sequential' ? open.slice(0, 1) : open;
}

function matches(approver: Approver, caller: Caller): boolean {
  if ('user' in approver) return caller.user === approver.user;
  // Business roles (tech_lead, cto) are usually kept as groups of a person's key: either matches.
  if ('role' in approver) return caller.role === approver.role || caller.groups.includes(approver.role);
  return caller.groups.includes(approver.group);
}

/**
 * The entry `caller` decides for, or the reason they may not: 409 once settled, 403 for a requester, for
 * someone who already decided, or for someone who is not an eligible approver.
 */
export function approverFor(state: ApprovalState, caller: Caller): Approver {
  if (state.status !== 'pending') throw RiskloopError.conflict(`the approval is already ${state.status}`);
  const identities = [caller.actor, caller.user].filter((x): x is string => Boolean(x));
  if (identities.some((id) => state.requesters.includes(id)))
    throw RiskloopError.forbidden('the requester of an approval cannot decide it');
  if (state.decisions.some((d) => d.actor === caller.actor || (caller.user && d.user === caller.user)))
    throw RiskloopError.forbidden('you have already decided this approval');
  const entry = eligibleApprovers(state).find((a) => matches(a, caller));
  if (!entry) throw RiskloopError.forbidden('you are not an approver of this approval (at this stage)');
  return entry;
}

/** The state after `decision`; `status` changes when it settles the approval. */
export function applyDecision(state: ApprovalState, decision: Decision): ApprovalState {
  const decisions = [...state.decisions, decision];
  const approvals = decisions.filter((d) => d.decision === 'approve').length;
  const undecided = state.approvers.length - decisions.length;
  const status =
    approvals >= state.needed ? 'approved' : approvals + undecided < state.needed ? 'rejected' : 'pending';
  return {
    ...state,
    decisions,
    status,
    ...(status === 'pending' ? {} : { decidedAt: decision.at }),
  };
}

/** Who a notification about the approval goes to: the undecided approvers as `notify` recipients. */
export function recipientsOf(state: ApprovalState): string[] {
  return eligibleApprovers(state).map((a) =>
    'user' in a ? a.user : 'role' in a ? `role:${a.role}` : `group:${a.group}`,
  );
}

/** The step output once the approval is settled: what later steps and branches read. */
export function approvalOutput(state: ApprovalState) {
  const outcome = state.status === 'pending' ? 'pending' : state.status;
  return {
    outcome,
    approvalId: state.id,
    escalated: state.escalated,
    decisions: state.decisions.map((d) => ({
      decision: d.decision,
      by: d.user ?? d.actor,
      comment: d.comment ?? null,
      at: d.at,
    })),
  };
}
