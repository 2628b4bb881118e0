/**
 * Crash safety, measured: start `runs` runs of the chaos workload while the runner is `kill -9`ed at random
 * (`kills` times at least) and restarted; an approver decides approvals as they appear. Afterwards count
 * runs lost (never recorded), stuck (not finished), failed, and effects seen by the sink more than once or
 * never. Used by `npm run chaos` (the full figures) and by a smaller test in CI.
 */
import {
  apiClient,
  createTenant,
  readDeadLetters,
  startPlatform,
  startSink,
  type Api,
  type Platform,
  type ServiceProcess,
  type Sink,
} from '@riskloop/testkit';
import { approver, chaosWorkflows } from './workload.ts';

export interface ChaosOptions {
  runs: number;
  kills: number;
  /** Give up waiting for runs to finish after this long once the kills are done. */
  settleMs?: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  runs: number;
  kills: number;
  succeeded: number;
  failed: number;
  stuck: number;
  lost: number;
  approvalsDecided: number;
  expectedEffects: number;
  distinctEffects: number;
  duplicateEffects: number;
  missingEffects: number;
  /** Messages the runner gave up on (should be none: a crash is not a reason). */
  deadLetters: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (min: number, max: number) => min + Math.random() * (max - min);

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const sink = await startSink();
  sink.respond({ delayMs: 10 });
  const platform = await startPlatform({
    services: ['registry', 'trigger-router', 'relay', 'gateway'],
    // The relay's SSRF guard refuses loopback targets unless allowed: the sink is one.
    allowTargets: [sink.url],
    env: { RUNNER_ACK_WAIT_MS: '2000', RUNNER_STALL_MS: '4000', RUNNER_TIMER_POLL_MS: '200' },
  });
  try {
    return await chaos(platform, sink, options, log, started);
  } finally {
    await platform.stop();
    await sink.close();
  }
}

async function chaos(
  platform: Platform,
  sink: Sink,
  options: ChaosOptions,
  log: (line: string) => void,
  started: number,
): Promise<ChaosReport> {
  let runner: ServiceProcess = await platform.start('runner');
  const adminKey = await createTenant(platform.env, 'chaos');
  const api: Api = apiClient(
    () => platform.gatewayUrl,
    () => adminKey,
  );
  const person = await api('POST', '/api/api-keys', {
    body: { name: approver, role: 'approver', user: approver },
  });
  const approverKey = person.body.apiKey as string;

  const workflows = [];
  for (const { definition, effects } of chaosWorkflows(sink.url)) {
    const created = await api('POST', '/api/workflows', { body: definition });
    await api('POST', `/api/workflows/${created.body.id as string}/activate`);
    workflows.push({ id: created.body.id as string, effects });
  }

  let kills = 0;
  let done = false;
  const killer = (async () => {
    while (!done && kills < options.kills) {
      await sleep(between(1_000, 3_000));
      await runner.kill();
      kills += 1;
      log(`kill -9 runner #${kills}`);
      await sleep(between(200, 1_000));
      runner = await platform.start('runner');
    }
  })();

  const deciding = (async () => {
    while (!done) {
      try {
        const inbox = await api('GET', '/api/approvals?limit=200', { key: approverKey });
        for (const approval of (inbox.body?.items ?? []) as { id: string }[]) {
          // A decision can commit while its answer is lost to a kill: the count comes from the database.
          await api('POST', `/api/approvals/${approval.id}/decisions`, {
            key: approverKey,
            body: { decision: 'approve' },
          });
        }
      } catch {
        // The runner is down: try again on the next round.
      }
      await sleep(300);
    }
  })();

  const runIds: string[] = [];
  let expectedEffects = 0;
  for (let i = 0; i < options.runs; i += 1) {
    const workflow = workflows[i % workflows.length] as { id: string; effects: number };
    const answer = await api('POST', `/api/workflows/${workflow.id}/run`, {
      body: { n: i },
      headers: { 'idempotency-key': `chaos-${i}` },
    });
    if (answer.status !== 202) throw new Error(`run ${i} was not accepted: ${answer.status} ${answer.text}`);
    runIds.push(answer.body.runId as string);
    expectedEffects += workflow.effects;
    if (i % 25 === 24) await sleep(between(50, 400));
  }
  log(`${runIds.length} runs started`);
  await killer;
  log(`${kills} kills done; waiting for the runs to finish`);

  const settleUntil = Date.now() + (options.settleMs ?? 180_000);
  let counts = await countRuns(platform, runIds);
  while (counts.finished < runIds.length && Date.now() < settleUntil) {
    await sleep(1_000);
    counts = await countRuns(platform, runIds);
  }
  done = true;
  await deciding;

  const byKey = new Map<string, number>();
  for (const request of sink.requests) {
    const key = String(request.headers['idempotency-key'] ?? '');
    if (request.path.startsWith('/chaos/')) byKey.set(key, (byKey.get(key) ?? 0) + 1);
  }
  const duplicateEffects = [...byKey.values()].filter((n) => n > 1).length;
  const [approved] = await platform.db.query<{ n: string }>(
    `select count(*) as n from runner.approvals where status = 'approved'`,
  );
  return {
    runs: runIds.length,
    kills,
    succeeded: counts.succeeded,
    failed: counts.failed,
    stuck: counts.recorded - counts.finished,
    lost: runIds.length - counts.recorded,
    approvalsDecided: Number(approved?.n ?? 0),
    expectedEffects,
    distinctEffects: byKey.size,
    duplicateEffects,
    missingEffects: Math.max(0, expectedEffects - byKey.size),
    deadLetters: (await readDeadLetters(platform.testBus.bus, 'RUNS', 'runner')).length,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

async function countRuns(platform: Platform, runIds: string[]) {
  const rows = await platform.db.query<{ status: string; count: string }>(
    `select status, count(*) from runner.runs where id = any($1::uuid[]) group by status`,
    [runIds],
  );
  const of = (status: string) => Number(rows.find((r) => r.status === status)?.count ?? 0);
  const recorded = rows.reduce((n, r) => n + Number(r.count), 0);
  return {
    recorded,
    succeeded: of('succeeded'),
    failed: of('failed'),
    finished: of('succeeded') + of('failed') + of('cancelled'),
  };
}
