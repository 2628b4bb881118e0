/**
 * The runner executes `query` steps (reads of riskloop's own records for reports) like any executing
 * service: it consumes their step commands and answers with a step result on the run's subject. Runs and
 * approvals are the runner's own tables; KRI events are asked of the kri-emitter. A query has no outside
 * effect, so a redelivered command simply reads again; the result's id makes the run apply it once.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { publishEvent, request, type BusConnection } from '@riskloop/bus';
import {
  cloudEvent,
  durationMs,
  eventTypes,
  QueryStep,
  queryRpcs,
  subjects,
  type QueryFilterValue,
  type QueryOutput,
  type StepCommand,
} from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';

const Params = QueryStep.shape.query;
type Params = ReturnType<typeof Params.parse>;

interface OwnTable {
  table: string;
  time: string;
  columns: Record<string, string>;
  select: string;
  item: (row: Record<string, unknown>) => Record<string, unknown>;
}

/** Per source: the table, the filterable columns and how a row reads in the step's output. */
const tables: Record<'runs' | 'approvals', OwnTable> = {
  runs: {
    table: '"runner"."runs"',
    time: 'created_at',
    columns: { status: 'status', workflow_id: 'workflow_id', workflow_version: 'workflow_version' },
    select: 'id, workflow_id, workflow_version, status, created_at, finished_at',
    item: (r: Record<string, unknown>) => ({
      runId: r.id,
      workflowId: r.workflow_id,
      workflowVersion: Number(r.workflow_version),
      status: r.status,
      createdAt: iso(r.created_at),
      finishedAt: iso(r.finished_at),
    }),
  },
  approvals: {
    table: '"runner"."approvals"',
    time: 'created_at',
    columns: { status: 'status', workflow_id: 'workflow_id', run_id: 'run_id', step_id: 'step_id' },
    select: 'id, run_id, workflow_id, step_id, status, created_at, decided_at',
    item: (r: Record<string, unknown>) => ({
      approvalId: r.id,
      runId: r.run_id,
      workflowId: r.workflow_id,
      stepId: r.step_id,
      status: r.status,
      createdAt: iso(r.created_at),
      decidedAt: iso(r.decided_at),
    }),
  },
};

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

const badQuery = (message: string) => new RiskloopError('bad_query', message, { retryable: false });

async function readOwn(orm: MikroORM, tenant: string, params: Params, since: Date | undefined) {
  const source = tables[params.source as 'runs' | 'approvals'];
  const parts = ['tenant_id = ?'];
  const values: unknown[] = [tenant];
  if (since) {
    parts.push(`${source.time} >= ?`);
    values.push(since);
  }
  for (const [key, raw] of Object.entries(params.filter ?? {})) {
    const column = source.columns[key];
    if (!column) throw badQuery(`${params.source} cannot be filtered by ${key}`);
    const list = (Array.isArray(raw) ? raw : [raw]) as QueryFilterValue[];
    if (list.length === 0) parts.push('false');
    else parts.push(`${column}::text in (${list.map(() => '?').join(', ')})`);
    values.push(...list.map(String));
  }
  const where = parts.join(' and ');
  const em = orm.em.fork();
  const [total] = await em.execute<{ n: string }[]>(
    `select count(*) as n from ${source.table} where ${where}`,
    values,
  );
  const rows = await em.execute<Record<string, unknown>[]>(
    `select ${source.select} from ${source.table} where ${where} order by ${source.time} desc, id limit ?`,
    [...values, params.limit],
  );
  return { count: Number(total?.n ?? 0), items: rows.map(source.item) };
}

export function createQueryStep(deps: { orm: MikroORM; bus: BusConnection; now?: () => Date }) {
  const { orm, bus } = deps;
  const now = deps.now ?? (() => new Date());

  async function run(tenant: string, input: unknown): Promise<QueryOutput> {
    const parsed = Params.safeParse(input);
    if (!parsed.success) throw badQuery(`the query is not valid: ${parsed.error.issues[0]?.message ?? ''}`);
    const params = parsed.data;
    const since = params.since ? new Date(now().getTime() - durationMs(params.since)) : undefined;
    if (params.source !== 'kri_events') return readOwn(orm, tenant, params, since);
    const filter: Record<string, QueryFilterValue> = {};
    for (const [key, value] of Object.entries(params.filter ?? {})) filter[key] = value as QueryFilterValue;
    return request(bus, queryRpcs.kriEvents, tenant, {
      ...(since ? { since: since.toISOString() } : {}),
      filter,
      limit: params.limit,
    });
  }

  return {
    /** Execute one command; a query that cannot run fails its step, anything else is retried. */
    async handle(command: StepCommand): Promise<void> {
      const { data, tenantid: tenant } = command;
      const startedAt = now().toISOString();
      const base = { runId: data.runId, stepId: data.stepId, attempt: data.attempt, tries: 1, startedAt };
      let result: { ok: true; output: QueryOutput } | { ok: false; error: { code: string; message: string } };
      try {
        result = { ok: true, output: await run(tenant, data.input) };
      } catch (error) {
        if (!(error instanceof RiskloopError) || error.code !== 'bad_query') throw error;
        result = { ok: false, error: { code: error.code, message: error.message } };
      }
      const id = `result:${data.idempotencyKey}`;
      const finishedAt = now().toISOString();
      await publishEvent(
        bus,
        subjects.runEvent(tenant, data.runId),
        cloudEvent({
          id,
          source: 'riskloop/runner',
          type: result.ok ? eventTypes.stepSucceeded : eventTypes.stepFailed,
          tenant,
          data: result.ok
            ? { ...base, finishedAt, output: result.output }
            : { ...base, finishedAt, error: result.error },
        }),
        { msgId: id },
      );
    },
  };
}
