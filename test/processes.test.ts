/**
 * Process behaviour an operator relies on: `npm start` runs every service in one process and reports
 * ready; a bad configuration value stops a service with a message naming the key; SIGTERM lets a service
 * finish the work it holds before it exits.
 */
import {
  connectTestBus,
  createTenant,
  createTestDatabase,
  natsUrl,
  runScript,
  startPlatform,
  startProcess,
  startSink,
  waitFor,
} from '@riskloop/testkit';
import { expect, it } from 'vitest';

it('runs the whole platform in one process (npm start) and stops it cleanly on SIGTERM', async () => {
  const db = await createTestDatabase();
  const testBus = await connectTestBus();
  try {
    const all = await startProcess('platform', {
      script: 'infra/start-all.ts',
      env: {
        DATABASE_URL: db.url,
        NATS_URL: natsUrl(),
        NATS_PREFIX: testBus.prefix,
        PORT: '0',
        HOST: '127.0.0.1',
      },
      readyTimeoutMs: 60_000,
      readyWhen: (fields) => fields.services === 7,
    });
    expect(all.ready.services).toBe(7);
    const port = /"component":"gateway".*"port":(\d+)/.exec(all.output())?.[1];
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await all.stop()).toBe(0);
    expect(all.output()).toContain('"msg":"stopped"');
  } finally {
    await testBus.close();
    await db.drop();
  }
});

it('refuses to boot on a bad configuration value, naming the key', async () => {
  const result = await runScript('services/gateway/src/main.ts', [], { PORT: 'eighty', NATS_URL: natsUrl() });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('PORT');
  const runner = await runScript('services/runner/src/main.ts', [], {
    RUNNER_CONCURRENCY: '0',
    NATS_URL: natsUrl(),
  });
  expect(runner.code).toBe(1);
  expect(runner.stderr).toContain('RUNNER_CONCURRENCY');
});

it('a relay sent SIGTERM finishes the call it is making, reports it, and exits 0', async () => {
  const sink = await startSink();
  sink.respond({ delayMs: 1_500 });
  const platform = await startPlatform({
    services: ['registry', 'trigger-router', 'runner', 'relay', 'gateway'],
    allowTargets: [sink.url],
  });
  try {
    const apiKey = await createTenant(platform.env, 'acme');
    const call = async (path: string, body: unknown) => {
      const r = await fetch(`${platform.gatewayUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await r.json()) as Record<string, any>;
    };
    const workflow = await call('/api/workflows', {
      name: 'slow webhook',
      triggers: [{ type: 'manual' }],
      steps: [{ id: 'slow', type: 'webhook', webhook: { url: `${sink.url}/slow` } }],
    });
    await call(`/api/workflows/${workflow.id as string}/activate`, {});
    const { runId } = await call(`/api/workflows/${workflow.id as string}/run`, {});

    await waitFor(() => sink.requests.length === 1, 30_000, 'the call to start');
    const relay = platform.processes.find((p) => p.name === 'relay')!;
    expect(await relay.stop()).toBe(0);

    // The relay finished the call and sent its result before exiting: the run completes without it.
    const run = await waitFor(
      async () => {
        const r = await call(`/api/runs/${runId as string}`, undefined);
        return r.status === 'succeeded' ? r : undefined;
      },
      15_000,
      'the run to succeed',
    );
    expect(run.steps[0]).toMatchObject({ status: 'succeeded', tries: 1 });
    expect(sink.requests).toHaveLength(1);
  } finally {
    await platform.stop();
    await sink.close();
  }
}, 120_000); // five services start first: on a busy 2-core machine that alone can take most of a minute
