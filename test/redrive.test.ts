/**
 * NATS is the fast path and may lose a message (DESIGN.md): a run whose step command or step result was
 * lost is re-driven from PostgreSQL, and the external effect still happens exactly once.
 */
import { usePlatform, waitFor } from '@riskloop/testkit';
import { beforeAll, expect, it } from 'vitest';

// No relay yet: step commands wait in the STEPS stream.
const e2e = usePlatform({
  services: ['registry', 'trigger-router', 'runner', 'gateway'],
  env: { RUNNER_STALL_MS: '1500' },
});

let workflowId: string;

/** GET without a body, POST with one; the answer's JSON. */
const api = async (path: string, body?: unknown) =>
  (await e2e.api(body === undefined ? 'GET' : 'POST', path, body === undefined ? {} : { body }))
    .body as Record<string, any>;

const streamName = (name: string) => `${e2e.platform.testBus.prefix}_${name}`;
const pendingIn = async (name: string) =>
  (await e2e.platform.testBus.bus.jsm.streams.info(streamName(name))).state.messages;

beforeAll(async () => {
  const created = await api('/api/workflows', {
    name: 'one webhook',
    triggers: [{ type: 'manual' }],
    steps: [
      {
        id: 'call',
        type: 'webhook',
        webhook: { url: `${e2e.sink.url}/call`, body: { n: '{{ trigger.n }}' } },
      },
    ],
  });
  workflowId = created.id as string;
  await api(`/api/workflows/${workflowId}/activate`, {});
}, 120_000);

const runStatus = async (runId: string) => (await api(`/api/runs/${runId}`)).status as string;

it('re-dispatches a step command that NATS lost, and the effect happens once', async () => {
  const { runId } = await api(`/api/workflows/${workflowId}/run`, { n: 1 });
  await waitFor(async () => (await pendingIn('STEPS')) === 1, 30_000, 'the step command');
  await e2e.platform.testBus.bus.jsm.streams.purge(streamName('STEPS')); // the command is lost
  await e2e.platform.start('relay');

  await waitFor(async () => (await runStatus(runId as string)) === 'succeeded', 30_000, 'the re-driven run');
  const calls = e2e.sink.requests.filter((r) =>
    String(r.headers['idempotency-key']).includes(runId as string),
  );
  expect(calls).toHaveLength(1);
});

it('re-sends a step result that NATS lost, without calling the destination again', async () => {
  const runner = e2e.platform.processes.find((p) => p.name === 'runner')!;
  e2e.sink.respond({ delayMs: 2_000 }); // the call is slow enough to stop the runner while it is made
  const { runId } = await api(`/api/workflows/${workflowId}/run`, { n: 2 });
  const called = () =>
    e2e.sink.requests.some((r) => String(r.headers['idempotency-key']).includes(runId as string));
  await waitFor(called, 30_000, 'the call');
  await runner.stop(); // nobody applies the result while we lose it
  await waitFor(async () => (await pendingIn('RUNS')) === 1, 30_000, 'the result in RUNS');
  await e2e.platform.testBus.bus.jsm.streams.purge(streamName('RUNS')); // the result is lost
  e2e.sink.respond({});
  await e2e.platform.start('runner', { RUNNER_STALL_MS: '1500' });

  await waitFor(async () => (await runStatus(runId as string)) === 'succeeded', 30_000, 'the re-driven run');
  const calls = e2e.sink.requests.filter((r) =>
    String(r.headers['idempotency-key']).includes(runId as string),
  );
  expect(calls).toHaveLength(1);
  const [delivery] = await e2e.platform.db.query<{ claims: number; status: string }>(
    `select claims, status from relay.deliveries where run_id = $1`,
    [runId],
  );
  expect(delivery).toEqual({ claims: 1, status: 'succeeded' });
});
