/**
 * NATS is the fast path and may lose a message (DESIGN.md): a run whose step command or step result was
 * lost is re-driven from PostgreSQL, and the external effect still happens exactly once.
 */
import {
  apiClient,
  createTenant,
  startPlatform,
  startSink,
  waitFor,
  type Platform,
  type Sink,
} from '@riskloop/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

let platform: Platform;
let sink: Sink;
let apiKey: string;
let workflowId: string;

const client = apiClient(
  () => platform.gatewayUrl,
  () => apiKey,
);
/** GET without a body, POST with one; the answer's JSON. */
const api = async (path: string, body?: unknown) =>
  (await client(body === undefined ? 'GET' : 'POST', path, body === undefined ? {} : { body }))
    .body as Record<string, any>;

const streamName = (name: string) => `${platform.testBus.prefix}_${name}`;
const pendingIn = async (name: string) =>
  (await platform.testBus.bus.jsm.streams.info(streamName(name))).state.messages;

beforeAll(async () => {
  sink = await startSink();
  // No relay yet: step commands wait in the STEPS stream.
  platform = await startPlatform({
    services: ['registry', 'trigger-router', 'runner', 'gateway'],
    env: { RUNNER_STALL_MS: '1500' },
  });
  apiKey = await createTenant(platform.env, 'acme');
  const created = await api('/api/workflows', {
    name: 'one webhook',
    triggers: [{ type: 'manual' }],
    steps: [
      { id: 'call', type: 'webhook', webhook: { url: `${sink.url}/call`, body: { n: '{{ trigger.n }}' } } },
    ],
  });
  workflowId = created.id as string;
  await api(`/api/workflows/${workflowId}/activate`, {});
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await sink?.close();
});

const runStatus = async (runId: string) => (await api(`/api/runs/${runId}`)).status as string;

it('re-dispatches a step command that NATS lost, and the effect happens once', async () => {
  const { runId } = await api(`/api/workflows/${workflowId}/run`, { n: 1 });
  await waitFor(async () => (await pendingIn('STEPS')) === 1, 30_000, 'the step command');
  await platform.testBus.bus.jsm.streams.purge(streamName('STEPS')); // the command is lost
  await platform.start('relay');

  await waitFor(async () => (await runStatus(runId as string)) === 'succeeded', 30_000, 'the re-driven run');
  const calls = sink.requests.filter((r) => String(r.headers['idempotency-key']).includes(runId as string));
  expect(calls).toHaveLength(1);
});

it('re-sends a step result that NATS lost, without calling the destination again', async () => {
  const runner = platform.processes.find((p) => p.name === 'runner')!;
  sink.respond({ delayMs: 2_000 }); // the call is slow enough to stop the runner while it is made
  const { runId } = await api(`/api/workflows/${workflowId}/run`, { n: 2 });
  const called = () =>
    sink.requests.some((r) => String(r.headers['idempotency-key']).includes(runId as string));
  await waitFor(called, 30_000, 'the call');
  await runner.stop(); // nobody applies the result while we lose it
  await waitFor(async () => (await pendingIn('RUNS')) === 1, 30_000, 'the result in RUNS');
  await platform.testBus.bus.jsm.streams.purge(streamName('RUNS')); // the result is lost
  sink.respond({});
  await platform.start('runner', { RUNNER_STALL_MS: '1500' });

  await waitFor(async () => (await runStatus(runId as string)) === 'succeeded', 30_000, 'the re-driven run');
  const calls = sink.requests.filter((r) => String(r.headers['idempotency-key']).includes(runId as string));
  expect(calls).toHaveLength(1);
  const [delivery] = await platform.db.query<{ claims: number; status: string }>(
    `select claims, status from relay.deliveries where run_id = $1`,
    [runId],
  );
  expect(delivery).toEqual({ claims: 1, status: 'succeeded' });
});
