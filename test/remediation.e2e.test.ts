/**
 * Remediation actions end to end: a tenant registers its own automation endpoints (through a relay webhook
 * destination, with input and output schemas); a workflow naming an unregistered action, or an
 * approval-gated one without an approval before it, is refused when saved; a run calls the action once
 * with its idempotency key, even when the command is delivered again; bad parameters, a slow endpoint, an
 * unreachable one and an answer outside the output schema each fail the step saying so.
 */
import { redeliverRelayCommand, usePlatform, waitFor } from '@riskloop/testkit';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';

/** A port nothing listens on (allowed through the SSRF guard, so the failure is the connection's). */
let closedPort = 0;
beforeAll(async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedPort = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const e2e = usePlatform({
  services: ['registry', 'trigger-router', 'runner', 'relay', 'gateway'],
  targets: () => [`127.0.0.1:${closedPort}`],
});

const api = (method: string, path: string, body?: unknown, key?: string) =>
  e2e.api(method, path, { ...(body === undefined ? {} : { body }), ...(key ? { key } : {}) });

const s3Action = (extra: Record<string, unknown> = {}) => ({
  description: 'Block public access on an S3 bucket (the tenant automation)',
  destination: 'automation',
  path: '/actions/s3-block-public-access',
  input_schema: {
    type: 'object',
    required: ['bucket_name'],
    properties: {
      bucket_name: { type: 'string', minLength: 3 },
      preserve_existing_policy: { type: 'boolean' },
    },
    additionalProperties: false,
  },
  output_schema: {
    type: 'object',
    required: ['status'],
    properties: { status: { enum: ['public_access_blocked'] } },
  },
  timeout: '2s',
  ...extra,
});

const workflow = (steps: unknown[]) => ({
  name: `Remediate ${randomUUID()}`,
  triggers: [{ type: 'manual' }],
  steps,
});
const remediate = (
  action: string,
  parameters: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  id: 'fix',
  type: 'remediation',
  retry: { attempts: 1 },
  remediation: { action, parameters },
  ...extra,
});

async function runOf(definition: unknown, payload: Record<string, unknown> = {}) {
  const created = await api('POST', '/api/workflows', definition);
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  expect((await api('POST', `/api/workflows/${id}/activate`, {})).status).toBe(200);
  const started = await api('POST', `/api/workflows/${id}/run`, payload);
  expect(started.status).toBe(202);
  return started.body.runId as string;
}

const runEnds = (runId: string) =>
  waitFor(
    async () => {
      const r = await api('GET', `/api/runs/${runId}`);
      return ['succeeded', 'failed', 'cancelled'].includes(r.body.status as string) ? r.body : undefined;
    },
    45_000,
    `run ${runId} to end`,
  );

const calls = (path: string) => e2e.sink.requests.filter((r) => r.path === path);

describe('registering actions', () => {
  it('stores an action that names a webhook destination, and refuses bad schemas and unknown destinations', async () => {
    const config = await api('PUT', '/api/relay-config', {
      destinations: {
        automation: {
          type: 'webhook',
          settings: { url: `${e2e.sink.url}/automation` },
          credentials: { signing_secret: 'whsec-remediation' },
        },
        down: { type: 'webhook', settings: { url: `http://127.0.0.1:${closedPort}/hooks` } },
      },
    });
    expect(config.status, config.text).toBe(200);
    const put = await api('PUT', '/api/remediation-actions/aws_s3_disable_public_access', s3Action());
    expect(put.status, put.text).toBe(201);
    expect(put.body).toMatchObject({
      name: 'aws_s3_disable_public_access',
      version: 1,
      requires_approval: false,
    });
    expect(
      (await api('PUT', '/api/remediation-actions/aws_s3_disable_public_access', s3Action())).body.version,
    ).toBe(2);

    const badSchema = await api(
      'PUT',
      '/api/remediation-actions/broken',
      s3Action({ input_schema: { type: 'nope' } }),
    );
    expect(badSchema.status).toBe(422);
    expect(badSchema.body.detail).toMatch(/input_schema is not a valid JSON Schema/);
    const noDestination = await api(
      'PUT',
      '/api/remediation-actions/lost',
      s3Action({ destination: 'nowhere' }),
    );
    expect(noDestination.status).toBe(422);
    expect(noDestination.body.detail).toMatch(/no destination nowhere/);
    const shell = await api('PUT', '/api/remediation-actions/rm%20-rf', s3Action());
    expect(shell.status).toBe(422);

    const list = await api('GET', '/api/remediation-actions');
    expect(list.body.items.map((a: any) => a.name)).toEqual(['aws_s3_disable_public_access']);
    expect((await api('DELETE', '/api/remediation-actions/lost')).status).toBe(404);
  });

  it('refuses a workflow naming an unregistered action, with the step path', async () => {
    const saved = await api('POST', '/api/workflows', workflow([remediate('isolate_everything', {})]));
    expect(saved.status).toBe(422);
    expect(saved.body.detail).toBe(
      'steps[0].remediation.action: remediation action isolate_everything is not registered (PUT /api/remediation-actions/isolate_everything)',
    );
  });
});

describe('running actions', () => {
  let runId: string;

  it('calls the action once with the idempotency key and records its answer as the output', async () => {
    e2e.sink.respond((r) =>
      r.path === '/automation/actions/s3-block-public-access'
        ? { body: { status: 'public_access_blocked' } }
        : {},
    );
    runId = await runOf(
      workflow([
        remediate('aws_s3_disable_public_access', {
          bucket_name: '{{ trigger.bucket }}',
          preserve_existing_policy: true,
        }),
      ]),
      { bucket: 'customer-exports' },
    );
    const run = await runEnds(runId);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(run.steps[0].output).toMatchObject({
      action: 'aws_s3_disable_public_access',
      status: 200,
      response: { status: 'public_access_blocked' },
    });
    const [call] = calls('/automation/actions/s3-block-public-access');
    expect(call?.json).toMatchObject({
      action: 'aws_s3_disable_public_access',
      parameters: { bucket_name: 'customer-exports', preserve_existing_policy: true },
      run: { id: runId, step: 'fix' },
    });
    expect(call?.headers['idempotency-key']).toMatch(new RegExp(`:${runId}:fix:1$`));
    expect(call?.headers['x-riskloop-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
  });

  it('makes no second call when the command is delivered again', async () => {
    const before = calls('/automation/actions/s3-block-public-access').length;
    const run = (await api('GET', `/api/runs/${runId}`)).body;
    await redeliverRelayCommand(e2e.platform, {
      runId,
      workflowId: run.workflowId,
      stepId: 'fix',
      kind: 'remediation',
    });
    expect(calls('/automation/actions/s3-block-public-access')).toHaveLength(before);
  });

  it('fails parameters outside the input schema without calling anything', async () => {
    const before = e2e.sink.requests.length;
    const run = await runEnds(
      await runOf(workflow([remediate('aws_s3_disable_public_access', { bucket_name: 'x' })])),
    );
    expect(run.status).toBe('failed');
    expect(run.steps[0].error).toEqual({
      code: 'invalid_parameters',
      message:
        'parameters of aws_s3_disable_public_access: bucket_name: must NOT have fewer than 3 characters',
    });
    expect(e2e.sink.requests.length).toBe(before);
  });

  it('fails an answer outside the output schema', async () => {
    e2e.sink.respond({ body: { status: 'still_public' } });
    const run = await runEnds(
      await runOf(workflow([remediate('aws_s3_disable_public_access', { bucket_name: 'logs-bucket' })])),
    );
    expect(run.steps[0].error.code).toBe('invalid_response');
    expect(run.steps[0].error.message).toMatch(
      /does not match its output schema: status: must be equal to one of the allowed values/,
    );
  });

  it('reports a slow endpoint as a timeout and an unreachable one as unreachable', async () => {
    e2e.sink.respond({ delayMs: 4_000, body: { status: 'public_access_blocked' } });
    const slow = await runEnds(
      await runOf(workflow([remediate('aws_s3_disable_public_access', { bucket_name: 'slow-bucket' })])),
    );
    expect(slow.steps[0].error.code).toBe('timeout');
    e2e.sink.respond({});

    const down = await api('PUT', '/api/remediation-actions/snapshot_environment', {
      destination: 'down',
      input_schema: { type: 'object' },
    });
    expect(down.status, down.text).toBe(201);
    const unreachable = await runEnds(
      await runOf(workflow([remediate('snapshot_environment', { resource_id: 'i-1' })])),
    );
    expect(unreachable.steps[0].error.code).toBe('unreachable');
    expect(unreachable.steps[0].error.message).toMatch(/ECONNREFUSED|fetch failed|connect/i);
  });
});

describe('actions that need an approval', () => {
  it('are refused without an approval step before them, and run only once approved', async () => {
    const put = await api('PUT', '/api/remediation-actions/isolate_compromised_resource', {
      destination: 'automation',
      path: '/actions/isolate',
      input_schema: { type: 'object', required: ['resource_id'] },
      requires_approval: true,
    });
    expect(put.status, put.text).toBe(201);
    const isolate = remediate('isolate_compromised_resource', { resource_id: '{{ trigger.resource }}' });
    const refused = await api('POST', '/api/workflows', workflow([isolate]));
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toBe(
      'steps[0].remediation.action: remediation action isolate_compromised_resource needs an approval: put an approval step before this step',
    );

    const approver = await api('POST', '/api/api-keys', { name: 'carl', role: 'approver', user: 'carl' });
    expect(approver.status).toBe(201);
    const runId = await runOf(
      workflow([
        { id: 'approve', type: 'approval', approval: { approvers: [{ user: 'carl' }] } },
        { ...isolate, if: 'steps.approve.output.outcome == "approved"' },
      ]),
      { resource: 'i-0abc' },
    );
    const approval = await waitFor(
      async () =>
        (
          (await api('GET', `/api/approvals?scope=all&runId=${runId}&status=pending`)).body.items as {
            id: string;
          }[]
        )[0],
      30_000,
      'the approval',
    );
    expect(calls('/automation/actions/isolate')).toHaveLength(0);
    const decided = await api(
      'POST',
      `/api/approvals/${approval.id}/decisions`,
      { decision: 'approve' },
      approver.body.apiKey,
    );
    expect(decided.status, decided.text).toBe(201);
    const run = await runEnds(runId);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(calls('/automation/actions/isolate').map((c) => c.json)).toMatchObject([
      { parameters: { resource_id: 'i-0abc' } },
    ]);
  });

  it('are refused by the relay in a run without an approved approval', async () => {
    const runId = await runOf(
      workflow([
        { id: 'approve', type: 'approval', if: 'false', approval: { approvers: [{ user: 'carl' }] } },
        remediate('isolate_compromised_resource', { resource_id: 'i-0def' }),
      ]),
    );
    const run = await runEnds(runId);
    expect(run.steps[1].error.code).toBe('approval_required');
    expect(calls('/automation/actions/isolate')).toHaveLength(1);
  });
});

describe('the relay away', () => {
  it('makes saving a workflow with a remediation step a 503, not a guess', async () => {
    await e2e.platform.processes.find((p) => p.name === 'relay')!.stop();
    const saved = await api(
      'POST',
      '/api/workflows',
      workflow([remediate('aws_s3_disable_public_access', { bucket_name: 'abc' })]),
    );
    expect(saved.status).toBe(503);
    expect(saved.type).toContain('application/problem+json');
  });
});
