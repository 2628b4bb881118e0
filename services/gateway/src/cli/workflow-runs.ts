/**
 * `riskloop workflow history <id>` and `riskloop workflow metrics <id>`: a workflow's runs from the gateway
 * (`GET /api/workflows/:id/runs`, newest first, page by page), listed or summarised; `--step-timing` also
 * reads each run's record (`GET /api/runs/:runId`) for per-step counts and durations.
 */
import { pageOf, RunStatus, RunSummary, RunView } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import type { Command } from 'commander';
import { remote } from './connection.ts';
import { duration, percent, table, time } from './format.ts';
import { gatewayFor, type GatewayClient } from './gateway-client.ts';
import { elapsedMs, runMetrics, sinceTime, stepTimings } from './run-metrics.ts';

const RunPage = pageOf(RunSummary);
const RunSteps = RunView.pick({ steps: true });

interface RunsQuery {
  status?: RunStatus | undefined;
  /** ISO time: runs created at or after it. */
  from?: string | undefined;
  limit: number;
}

/** Up to `limit` runs, following `nextCursor`; `more` says whether runs were left out. */
export async function listRuns(client: GatewayClient, workflowId: string, query: RunsQuery) {
  const items: RunSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.get(`/api/workflows/${encodeURIComponent(workflowId)}/runs`, RunPage, {
      query: {
        status: query.status,
        from: query.from,
        cursor,
        limit: Math.min(200, query.limit - items.length),
      },
    });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < query.limit);
  return { items, more: cursor !== undefined };
}

/** Each run's steps, a few requests at a time (the gateway rate-limits per key). */
async function stepsOf(client: GatewayClient, runs: readonly RunSummary[], concurrency = 4) {
  const records: RunView['steps'][] = [];
  const queue = runs.filter((r) => r.status !== 'queued');
  const worker = async () => {
    for (let run = queue.shift(); run; run = queue.shift()) {
      records.push((await client.get(`/api/runs/${run.id}`, RunSteps)).steps);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return records.map((steps) => ({ steps }));
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw RiskloopError.invalid(`expected a whole number above 0: ${value}`);
  return n;
}

function runStatus(value: string): RunStatus {
  const parsed = RunStatus.safeParse(value);
  if (!parsed.success)
    throw RiskloopError.invalid(`--status is one of ${RunStatus.options.join(', ')}`, 'status');
  return parsed.data;
}

interface HistoryOptions {
  status?: RunStatus;
  limit: number;
  json?: boolean;
  url?: string;
}

interface MetricsOptions {
  since: string;
  limit: number;
  stepTiming?: boolean;
  json?: boolean;
  url?: string;
}

async function history(workflowId: string, options: HistoryOptions): Promise<void> {
  const { items, more } = await listRuns(gatewayFor(options.url), workflowId, options);
  if (options.json) {
    console.log(JSON.stringify({ workflowId, runs: items, more }));
    return;
  }
  if (items.length === 0) {
    console.log(`no runs${options.status ? ` ${options.status}` : ''} for workflow ${workflowId}`);
    return;
  }
  const rows = items.map((r) => [
    r.id,
    r.status,
    `v${r.workflowVersion}`,
    time(r.createdAt),
    time(r.finishedAt),
    duration(elapsedMs(r.createdAt, r.finishedAt)),
    r.error ? `${r.error.code}: ${r.error.message}` : '',
  ]);
  console.log(table(['RUN', 'STATUS', 'VERSION', 'STARTED', 'FINISHED', 'DURATION', 'ERROR'], rows));
  if (more) console.log(`(more runs: raise --limit above ${options.limit})`);
}

async function metrics(workflowId: string, options: MetricsOptions): Promise<void> {
  const client = gatewayFor(options.url);
  const from = sinceTime(options.since, new Date()).toISOString();
  const { items, more } = await listRuns(client, workflowId, { from, limit: options.limit });
  const summary = runMetrics(items);
  const steps = options.stepTiming ? stepTimings(await stepsOf(client, items)) : undefined;
  if (options.json) {
    console.log(JSON.stringify({ workflowId, since: from, more, ...summary, ...(steps ? { steps } : {}) }));
    return;
  }
  const s = summary.byStatus;
  const d = summary.durationMs;
  console.log(`workflow   ${workflowId}`);
  console.log(
    `runs       ${summary.runs} since ${time(from)}${more ? ` (only the newest ${options.limit}: raise --limit)` : ''}`,
  );
  console.log(
    `status     ${s.succeeded} succeeded, ${s.failed} failed, ${s.cancelled} cancelled, ${s.running} running, ${s.queued} queued`,
  );
  console.log(`success    ${percent(summary.successRate)} of finished runs`);
  console.log(
    `duration   ${d ? `p50 ${duration(d.p50)}, p95 ${duration(d.p95)}, max ${duration(d.max)}` : '-'}`,
  );
  if (!steps) return;
  console.log('');
  const rows = steps.map((t) => [
    t.step,
    String(t.count),
    String(t.failures),
    String(t.skipped),
    duration(t.p50Ms),
    duration(t.p95Ms),
  ]);
  console.log(table(['STEP', 'COUNT', 'FAILURES', 'SKIPPED', 'P50', 'P95'], rows));
}

export function workflowRunCommands(workflow: Command): void {
  remote(
    workflow
      .command('history <id>')
      .description("the workflow's runs, newest first: id, status, version, started, finished, duration")
      .option('--status <status>', `only runs in this status (${RunStatus.options.join(', ')})`, runStatus)
      .option('--limit <n>', 'at most this many runs', positiveInt, 20)
      .option('--json', 'print JSON'),
  ).action(history);

  remote(
    workflow
      .command('metrics <id>')
      .description("counts by status, success rate and duration percentiles of the workflow's runs")
      .option('--since <span>', 'runs created in this span (30d, 12h, 2w) or since an ISO time', '30d')
      .option('--limit <n>', 'count at most the newest N runs', positiveInt, 1000)
      .option('--step-timing', "per step: count, failures, p50/p95 duration (reads every run's record)")
      .option('--json', 'print JSON'),
  ).action(metrics);
}
