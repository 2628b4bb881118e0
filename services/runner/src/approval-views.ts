/** Approvals as the API shows them: the inbox (who may decide now), one approval, a run's approvals. */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ApprovalQuery, ApprovalView, Caller } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import type { ApprovalState } from './machine/index.ts';

export interface ApprovalRow {
  id: string;
  run_id: string;
  workflow_id: string;
  status: string;
  state: ApprovalState;
}

export function toApprovalView(row: ApprovalRow): ApprovalView {
  const s = row.state;
  return {
    id: row.id,
    runId: row.run_id,
    workflowId: row.workflow_id,
    stepId: s.stepId,
    status: s.status,
    message: s.message ?? null,
    approvers: s.approvers,
    order: s.order,
    mode: s.mode,
    needed: s.needed,
    requesters: s.requesters,
    escalated: s.escalated,
    decisions: s.decisions.map((d) => ({
      id: d.id,
      decision: d.decision,
      actor: d.actor,
      ...(d.user ? { user: d.user } : {}),
      approver: d.approver,
      comment: d.comment ?? null,
      at: d.at,
    })),
    dueAt: s.dueAt ?? null,
    createdAt: s.createdAt,
    decidedAt: s.decidedAt ?? null,
  };
}

const columns = `id, run_id, workflow_id, status, state, created_at`;

export function createApprovalViews(orm: MikroORM) {
  return {
    async get(tenant: string, approvalId: string): Promise<ApprovalView> {
      const rows = await orm.em
        .fork()
        .execute<ApprovalRow[]>(
          `select ${columns} from "runner"."approvals" where id = ? and tenant_id = ?`,
          [approvalId, tenant],
        );
      if (!rows[0]) throw RiskloopError.notFound('approval', approvalId);
      return toApprovalView(rows[0]);
    },

    async ofRun(tenant: string, runId: string): Promise<ApprovalView[]> {
      const rows = await orm.em
        .fork()
        .execute<ApprovalRow[]>(
          `select ${columns} from "runner"."approvals" where run_id = ? and tenant_id = ? order by created_at, id`,
          [runId, tenant],
        );
      return rows.map(toApprovalView);
    },

    /** Newest first; `scope: mine` keeps pending approvals the caller may decide now (not their own requests). */
    async list(tenant: string, query: ApprovalQuery & { caller: Caller }) {
      const where = ['tenant_id = ?'];
      const params: unknown[] = [tenant];
      if (query.scope === 'mine') {
        const mine = ['? = any(eligible_roles)'];
        params.push('pending', query.caller.role);
        where.push(`status = ?`);
        if (query.caller.user) {
          mine.push('? = any(eligible_users)');
          params.push(query.caller.user);
        }
        for (const group of query.caller.groups) {
          mine.push('? = any(eligible_groups)', '? = any(eligible_roles)');
          params.push(group, group);
        }
        where.push(`(${mine.join(' or ')})`);
        for (const id of [query.caller.actor, query.caller.user].filter(Boolean)) {
          where.push(`not jsonb_exists(state->'requesters', ?)`);
          params.push(id);
        }
      } else if (query.status) {
        where.push('status = ?');
        params.push(query.status);
      }
      if (query.workflowId) {
        where.push('workflow_id = ?');
        params.push(query.workflowId);
      }
      if (query.runId) {
        where.push('run_id = ?');
        params.push(query.runId);
      }
      const cursor = decodeCursor(query.cursor);
      if (cursor) {
        where.push('(created_at, id) < (?, ?)');
        params.push(cursor.at, cursor.id);
      }
      const rows = await orm.em.fork().execute<(ApprovalRow & { created_at: Date })[]>(
        `select ${columns} from "runner"."approvals" where ${where.join(' and ')}
           order by created_at desc, id desc limit ?`,
        [...params, query.limit + 1],
      );
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: page.map(toApprovalView),
        ...(rows.length > query.limit && last ? { nextCursor: encodeCursor(last.created_at, last.id) } : {}),
      };
    },
  };
}

export function encodeCursor(at: Date | string, id: string): string {
  return Buffer.from(JSON.stringify([new Date(at).toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at))) throw new Error();
    return { at, id };
  } catch {
    throw RiskloopError.invalid('the cursor is not one this API returned', 'cursor');
  }
}
