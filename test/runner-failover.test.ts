/**
 * Two runner processes side by side split the runs between them, and runs survive `kill -9` of a runner
 * that held them: nothing lost, and each external effect (idempotency key) reaches the sink exactly once.
 */
import { usePlatform, waitFor, type ServiceProcess } from '@riskloop/testkit';
import { beforeAll, expect, it } from 'vitest';

const e2e = usePlatform({
  services: ['registry', 'trigger-router', 'relay', 'gateway'],
  // A killed runner's unacknowledged events go to the other copy after 3 s.
  env: { RUNNER_ACK_WAIT_MS: '3000' },
});

let workflowId: string;
let runners: ServiceProcess[];

/** GET without a body, POST with one; the answer's JSON. */
const api = async (path: string, body?: unknown) =>
  (await e2e.api(body === undefined ? 'GET' : 'POST', path, body === undefined ? {} : { body }))
    .body as Record<string, any>;

async function startRuns(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - i) }, (_, j) =>
        api(`/api/workflows/${workflowId}/run`, { n: i + j }),
      ),
    );
    ids.push(...batch.map((b) => b.runId as string));
  }
  return ids;
}

async function allSucceeded(runIds: string[]): Promise<boolean> {
  const rows = await e2e.platform.db.query<{ status: string; count: string }>(
    `select status, count(*) from runner.runs where id = any($1::uuid[]) group by status`,
    [runIds],
  );
  return rows.length === 1 && rows[0]?.status === 'succeeded' && Number(rows[0].count) === runIds.length;
}

beforeAll(async () => {
  e2e.sink.respond({ delayMs: 30 });
  runners = [await e2e.platform.start('runner'), await e2e.platform.start('runner')];
  const step = (id: string) => ({
    id,
    type: 'webhook',
    webhook: { url: `${e2e.sink.url}/${id}`, body: { n: '{{ trigger.n }}' } },
  });
  const created = await api('/api/workflows', {
    name: 'three webhooks',
    triggers: [{ type: 'manual' }],
    steps: [step('one'), step('two'), step('three')],
  });
  workflowId = created.id as string;
  await api(`/api/workflows/${workflowId}/activate`, {});
}, 120_000);

it('splits runs between two runner processes', async () => {
  const runIds = await startRuns(60);
  await waitFor(() => allSucceeded(runIds), 60_000, '60 runs to succeed');
  const byRunner = await e2e.platform.db.query<{ processed_by: string; events: string }>(
    `select processed_by, count(*) as events from runner.run_history where run_id = any($1::uuid[]) group by processed_by`,
    [runIds],
  );
  const instances = runners.map((r) => r.ready.instance as string);
  expect(byRunner.map((r) => r.processed_by).sort()).toEqual([...instances].sort());
  for (const row of byRunner) expect(Number(row.events)).toBeGreaterThan(0);
});

it('finishes every run when the runner holding them is killed with SIGKILL, each effect exactly once', async () => {
  const victim = runners[0]!;
  const survivor = runners[1]!;
  const runIds = await startRuns(80);
  // Kill while the runs are in flight: some of them have events the victim received but did not ack.
  await waitFor(
    async () => {
      const [row] = await e2e.platform.db.query<{ n: string }>(
        `select count(*) as n from runner.run_history where processed_by = $1 and run_id = any($2::uuid[])`,
        [victim.ready.instance, runIds],
      );
      return Number(row?.n) >= 10;
    },
    30_000,
    'the victim to take work',
  );
  await victim.kill();

  await waitFor(() => allSucceeded(runIds), 90_000, '80 runs to succeed after the kill');

  // Runs the victim started were finished by the survivor.
  const [handedOver] = await e2e.platform.db.query<{ n: string }>(
    `select count(distinct run_id) as n from runner.run_history h
     where run_id = any($1::uuid[]) and processed_by = $2
       and exists (select 1 from runner.run_history o where o.run_id = h.run_id and o.processed_by = $3)`,
    [runIds, victim.ready.instance, survivor.ready.instance],
  );
  expect(Number(handedOver?.n)).toBeGreaterThan(0);

  // Every step of every run reached the sink exactly once.
  const keys = e2e.sink.requests
    .map((r) => String(r.headers['idempotency-key']))
    .filter((k) => runIds.some((id) => k.includes(id)));
  expect(keys).toHaveLength(runIds.length * 3);
  expect(new Set(keys).size).toBe(keys.length);
});
