/** Reading runs: one run (with its approvals), a workflow's runs (filtered, paged), a run's history. */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { RunHistoryEntry, RunQuery, RunSummary, RunView } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { createApprovalViews, decodeCursor, encodeCursor } from './approval-views.ts';
import { statusOf, toRunView, type RunRow } from './run-view.ts';

const columns = `id, workflow_id, workflow_version, status, snapshot, created_at, updated_at, finished_at`;

export function createRunQueries(orm: MikroORM) {
  const approvals = createApprovalViews(orm);

  const getRun = async (tenant: string, runId: string): Promise<RunView> => {
    const rows = await orm.em
      .fork()
      .execute<RunRow[]>(`select ${columns} from "runner"."runs" where id = ? and tenant_id = ?`, [
        runId,
        tenant,
      ]);
    if (!rows[0]) throw RiskloopError.notFound('run', runId);
    const view = toRunView(rows[0]);
    const asked = await approvals.ofRun(tenant, runId);
    return asked.length > 0 ? { ...view, approvals: asked } : view;
  };

  return {
    approvals,
    getRun,

    async listRuns(tenant: string, query: RunQuery & { workflowId: string }) {
      const where = ['tenant_id = ?', 'workflow_id = ?'];
      const params: unknown[] = [tenant, query.workflowId];
      if (query.status) {
        where.push('status = ?');
        params.push(query.status);
      }
      if (query.from) {
        where.push('created_at >= ?');
        params.push(query.from);
      }
      if (query.to) {
        where.push('created_at < ?');
        params.push(query.to);
      }
      const cursor = decodeCursor(query.cursor);
      if (cursor) {
        where.push('(created_at, id) < (?, ?)');
        params.push(cursor.at, cursor.id);
      }
      const rows = await orm.em
        .fork()
        .execute<RunRow[]>(
          `select ${columns} from "runner"."runs" where ${where.join(' and ')} order by created_at desc, id desc limit ?`,
          [...params, query.limit + 1],
        );
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      const items: RunSummary[] = page.map((row) => {
        const { id, workflowId, workflowVersion, status, createdAt, updatedAt, finishedAt, error } =
          toRunView(row);
        return {
          id,
          workflowId,
          workflowVersion,
          status,
          createdAt,
          updatedAt,
          ...(finishedAt ? { finishedAt } : {}),
          ...(error ? { error } : {}),
        };
      });
      return {
        items,
        ...(rows.length > query.limit && last ? { nextCursor: encodeCursor(last.created_at, last.id) } : {}),
      };
    },

    /** Events applied to the run after `after` (a history sequence number), and the run as it is now. */
    async history(tenant: string, runId: string, after: number) {
      const run = await getRun(tenant, runId);
      const rows = await orm.em
        .fork()
        .execute<{ id: string; event_type: string; at: Date; state_to: string }[]>(
          `select id, event_type, at, state_to from "runner"."run_history"
           where run_id = ? and tenant_id = ? and id > ? order by id limit 500`,
          [runId, tenant, after],
        );
      const items: RunHistoryEntry[] = rows.map((r) => ({
        seq: Number(r.id),
        eventType: r.event_type,
        at: new Date(r.at).toISOString(),
        status: statusOf(JSON.parse(r.state_to)),
      }));
      return { items, run };
    },
  };
}
