/**
 * Every service serves Prometheus metrics on `METRICS_PORT` (`GET /metrics`): the default process metrics,
 * and after one run the runner's run, event and step counters, the relay's deliveries and the consumers'
 * message counts and lag.
 */
import { usePlatform, waitFor } from '@riskloop/testkit';
import { describe, expect, it } from 'vitest';

const e2e = usePlatform({ env: { METRICS_PORT: '0' } });

const scrape = async (name: string) => {
  const service = e2e.platform.processes.find((p) => p.name === name);
  if (!service) throw new Error(`no ${name} process`);
  const response = await fetch(`http://127.0.0.1:${String(service.ready.metricsPort)}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
};

/** The value of the sample `name{labels...}` (every given label must match); 0 when absent. */
const sample = (text: string, name: string, labels: Record<string, string> = {}) =>
  text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);

describe('metrics', () => {
  it('every service answers /metrics with the process metrics, and nothing else on that port', async () => {
    for (const p of e2e.platform.processes) {
      expect(p.ready.metricsPort, p.name).toEqual(expect.any(Number));
      const text = await scrape(p.name);
      expect(sample(text, 'riskloop_process_resident_memory_bytes'), p.name).toBeGreaterThan(0);
    }
    const runner = e2e.platform.processes.find((p) => p.name === 'runner');
    const other = await fetch(`http://127.0.0.1:${String(runner?.ready.metricsPort)}/other`);
    expect(other.status).toBe(404);
  });

  it('counts a run, its step and its delivery', async () => {
    const created = await e2e.api('POST', '/api/workflows', {
      body: {
        name: 'metrics: one webhook',
        triggers: [{ type: 'manual' }],
        steps: [{ id: 'post', type: 'webhook', webhook: { url: `${e2e.sink.url}/m`, body: { a: 1 } } }],
      },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    expect((await e2e.api('POST', `/api/workflows/${id}/activate`)).status).toBe(200);
    const started = await e2e.api('POST', `/api/workflows/${id}/run`, { body: {} });
    expect(started.status, started.text).toBe(202);
    await waitFor(
      async () =>
        (await e2e.api('GET', `/api/runs/${started.body.runId as string}`)).body?.status === 'succeeded',
      30_000,
      'the run to succeed',
    );

    const runner = await scrape('runner');
    expect(sample(runner, 'riskloop_runs_started_total')).toBe(1);
    expect(sample(runner, 'riskloop_runs_finished_total', { status: 'succeeded' })).toBe(1);
    expect(sample(runner, 'riskloop_run_events_total')).toBe(2);
    expect(sample(runner, 'riskloop_steps_dispatched_total', { kind: 'webhook' })).toBe(1);
    expect(sample(runner, 'riskloop_step_seconds_count', { outcome: 'succeeded' })).toBe(1);
    expect(sample(runner, 'riskloop_messages_total', { consumer: 'runner', outcome: 'ack' })).toBe(2);
    expect(sample(runner, 'riskloop_runs', { status: 'succeeded' })).toBe(1);
    expect(runner).toMatch(/riskloop_consumer_lag\{service="runner",consumer="runner"\} 0/);

    const relay = await scrape('relay');
    expect(sample(relay, 'riskloop_deliveries_total', { kind: 'webhook', outcome: 'succeeded' })).toBe(1);
    expect(sample(relay, 'riskloop_delivery_seconds_count', { kind: 'webhook' })).toBe(1);
    expect(sample(relay, 'riskloop_outbox_published_total', { path: 'after_commit' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(sample(relay, 'riskloop_dead_letters_total')).toBe(0);
  });
});
