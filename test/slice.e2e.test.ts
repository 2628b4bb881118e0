/**
 * The walking skeleton end to end over real ports: every service in its own process, the gateway over
 * HTTP, NATS JetStream, PostgreSQL, and a local HTTP sink receiving the webhook.
 */
import { createTenant, usePlatform, waitFor } from '@riskloop/testkit';
import { describe, expect, it } from 'vitest';

const e2e = usePlatform();

const definition = (url: string) => ({
  name: 'Notify the control owner',
  description: 'posts the run input to a webhook',
  triggers: [{ type: 'manual' }],
  steps: [
    {
      id: 'post',
      type: 'webhook',
      webhook: {
        url: `${url}/hooks/controls`,
        body: {
          text: 'KRI {{ trigger.kri }} breached by {{ trigger.value - trigger.threshold }}',
          value: '{{ trigger.value }}',
        },
      },
    },
  ],
});

const api = (
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string>; key?: string | null } = {},
) => e2e.api(init.method ?? 'GET', path, init);

describe('the slice', () => {
  it('reports ready once every service answers', async () => {
    const ready = await api('/readyz', { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toMatchObject({
      database: true,
      registry: true,
      'trigger-router': true,
      runner: true,
      relay: true,
    });
    expect((await api('/healthz', { key: null })).status).toBe(200);
  });

  it('creates, activates and runs a workflow to succeeded, recording the step', async () => {
    const created = await api('/api/workflows', {
      method: 'POST',
      body: JSON.stringify(definition(e2e.sink.url)),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', latestVersion: 1, activeVersion: null });
    const id = created.body.id as string;

    const activated = await api(`/api/workflows/${id}/activate`, { method: 'POST' });
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ status: 'active', activeVersion: 1 });

    const started = await api(`/api/workflows/${id}/run`, {
      method: 'POST',
      body: JSON.stringify({ kri: 'critical_cves_unpatched', value: 12, threshold: 5 }),
    });
    expect(started.status).toBe(202);
    const runId = started.body.runId as string;

    const run = await waitFor(
      async () => {
        const r = await api(`/api/runs/${runId}`);
        return r.body.status === 'succeeded' ? r.body : undefined;
      },
      30_000,
      'the run to succeed',
    );

    expect(run).toMatchObject({ id: runId, workflowId: id, workflowVersion: 1, path: ['post'] });
    const step = run.steps[0];
    expect(step).toMatchObject({
      id: 'post',
      type: 'webhook',
      status: 'succeeded',
      attempts: 1,
      tries: 1,
      input: {
        url: `${e2e.sink.url}/hooks/controls`,
        body: { text: 'KRI critical_cves_unpatched breached by 7', value: 12 },
      },
      output: { status: 200, body: { received: true } },
    });
    expect(Date.parse(step.finishedAt)).toBeGreaterThanOrEqual(Date.parse(step.startedAt));
    expect(step.durationMs).toBeGreaterThanOrEqual(0);

    const received = e2e.sink.requests.filter((r) => r.path === '/hooks/controls');
    expect(received).toHaveLength(1);
    expect(received[0]?.json).toEqual({ text: 'KRI critical_cves_unpatched breached by 7', value: 12 });
    expect(received[0]?.headers['idempotency-key']).toMatch(new RegExp(`:${runId}:post:1$`));
  });

  it('starts one run per Idempotency-Key, however often the request is retried', async () => {
    const created = await api('/api/workflows', {
      method: 'POST',
      body: JSON.stringify(definition(e2e.sink.url)),
    });
    const id = created.body.id as string;
    await api(`/api/workflows/${id}/activate`, { method: 'POST' });
    const send = () =>
      api(`/api/workflows/${id}/run`, {
        method: 'POST',
        headers: { 'idempotency-key': 'req-42' },
        body: '{"kri":"k","value":2,"threshold":1}',
      });
    const first = await send();
    const second = await send();
    expect(first.status).toBe(202);
    // the gateway replays the first answer to a retry with the same key
    expect(second.status).toBe(202);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.runId).toBe(first.body.runId);
    const runs = await api(`/api/workflows/${id}/runs`);
    expect(runs.body.items).toHaveLength(1);
  });

  it('fails the step and the run when the destination answers 4xx, with the reason on the step', async () => {
    e2e.sink.respond((r) =>
      r.path === '/hooks/broken' ? { status: 400, body: { error: 'no such channel' } } : {},
    );
    const def = definition(e2e.sink.url);
    def.steps[0]!.webhook.url = `${e2e.sink.url}/hooks/broken`;
    const created = await api('/api/workflows', { method: 'POST', body: JSON.stringify(def) });
    const id = created.body.id as string;
    await api(`/api/workflows/${id}/activate`, { method: 'POST' });
    const started = await api(`/api/workflows/${id}/run`, {
      method: 'POST',
      body: '{"kri":"k","value":2,"threshold":1}',
    });
    const run = await waitFor(
      async () => {
        const r = await api(`/api/runs/${started.body.runId as string}`);
        return r.body.status === 'failed' ? r.body : undefined;
      },
      30_000,
      'the run to fail',
    );
    expect(run.steps[0]).toMatchObject({ status: 'failed', error: { code: 'http_400' } });
    expect(run.error.message).toContain('HTTP 400');
    e2e.sink.respond({});
  });
});

describe('bad input', () => {
  it('answers 401 without a key or with a wrong one, as problem+json', async () => {
    const none = await api('/api/workflows', { method: 'POST', key: null, body: '{}' });
    expect(none.status).toBe(401);
    expect(none.type).toContain('application/problem+json');
    const wrong = await api('/api/workflows', {
      method: 'POST',
      key: `rlk_AAAAAAAAAAAA_${'B'.repeat(43)}`,
      body: '{}',
    });
    expect(wrong.status).toBe(401);
    const garbage = await api('/api/runs/x', { key: 'not-a-key' });
    expect(garbage.status).toBe(401);
  });

  it('answers 422 naming the field of an invalid definition', async () => {
    const bad = definition('ftp://nowhere');
    const response = await api('/api/workflows', { method: 'POST', body: JSON.stringify(bad) });
    expect(response.status).toBe(422);
    expect(response.type).toContain('application/problem+json');
    expect(response.body.errors).toContainEqual({
      path: 'steps[0].webhook.url',
      message: 'expected an http(s) URL',
    });

    const unknownField = await api('/api/workflows', {
      method: 'POST',
      body: JSON.stringify({ ...definition(e2e.sink.url), owner_email: 'x@y' }),
    });
    expect(unknownField.status).toBe(422);
    expect(unknownField.body.errors).toContainEqual({ path: 'owner_email', message: 'unknown field' });
  });

  it('answers 404 for unknown or malformed ids', async () => {
    expect((await api('/api/workflows/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await api('/api/workflows/not-a-uuid/activate', { method: 'POST' })).status).toBe(404);
    expect((await api('/api/runs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await api('/api/nothing-here')).status).toBe(404);
  });

  it('answers 409 when running a workflow that is not active', async () => {
    const created = await api('/api/workflows', {
      method: 'POST',
      body: JSON.stringify(definition(e2e.sink.url)),
    });
    const response = await api(`/api/workflows/${created.body.id as string}/run`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(409);
    expect(response.body.detail).toContain('draft');
  });

  it('answers 413 for a body over the limit and 400 for broken JSON', async () => {
    const huge = JSON.stringify({ ...definition(e2e.sink.url), description: 'x'.repeat(2 * 1024 * 1024) });
    const tooLarge = await api('/api/workflows', { method: 'POST', body: huge });
    expect(tooLarge.status).toBe(413);
    const broken = await api('/api/workflows', { method: 'POST', body: '{"name": ' });
    expect(broken.status).toBe(400);
  });

  it("does not show one tenant's workflows or runs to another", async () => {
    const otherKey = await createTenant(e2e.platform.env, 'globex');
    const created = await api('/api/workflows', {
      method: 'POST',
      body: JSON.stringify(definition(e2e.sink.url)),
    });
    expect((await api(`/api/workflows/${created.body.id as string}`, { key: otherKey })).status).toBe(404);
    expect(
      (await api(`/api/workflows/${created.body.id as string}/activate`, { method: 'POST', key: otherKey }))
        .status,
    ).toBe(404);
  });
});
