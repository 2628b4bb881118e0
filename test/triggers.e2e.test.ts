/**
 * Triggers and the KRI loop end to end, every service its own process: the test plays the risk engine and
 * a policy engine over NATS, and webhook senders over HTTP.
 */
import { publishEvent } from '@riskloop/bus';
import { cloudEvent, streams, subjects, type CloudEvent } from '@riskloop/contracts';
import { usePlatform, waitFor } from '@riskloop/testkit';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const e2e = usePlatform();
const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  e2e.api(method, path, { ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
const bus = () => e2e.platform.testBus.bus;

const tenantId = async () =>
  (await e2e.platform.db.query<{ id: string }>(`select id from gateway.tenants where name = 'acme'`))[0]!.id;

const breach = (tenant: string, id: string, data: Record<string, unknown>, type = 'kri.threshold.breached') =>
  cloudEvent({ id, source: 'test-risk-engine', type, tenant, data });

const breachData = (kri: string, value = 14) => ({
  kri,
  value,
  threshold: 10,
  direction: 'above',
  severity: 'high',
  observed_at: '2026-03-10T07:45:00Z',
});

/** Create, activate, and wait until the trigger index has it. */
async function activate(definition: unknown, type = 'application/json'): Promise<string> {
  const created = await e2e.api('POST', '/api/workflows', {
    body: typeof definition === 'string' ? definition : JSON.stringify(definition),
    headers: { 'content-type': type },
  });
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  expect((await api('POST', `/api/workflows/${id}/activate`)).body.status).toBe('active');
  await waitFor(() => indexed(id), 30_000, 'the trigger index to have the workflow');
  return id;
}

/** The router's index follows registry events; an activation shows in its active count. */
const seen = new Set<string>();
async function indexed(id: string): Promise<boolean> {
  seen.add(id);
  const stats = await api('GET', '/api/trigger-stats');
  return (stats.body.activeWorkflows as number) >= seen.size;
}

const runsOf = (workflowId: string) =>
  e2e.platform.db.query<{ run_id: string; source_id: string }>(
    `select run_id, source_id from trigger_router.triggered_runs where workflow_id = $1 order by created_at`,
    [workflowId],
  );

/** Every published trigger message was handled (the TRIGGERS work queue is empty). */
const drained = () =>
  waitFor(
    async () => (await bus().jsm.streams.info(bus().streamName(streams.triggers.name))).state.messages === 0,
    30_000,
    'the trigger queue to drain',
  );

const endOf = (runId: string) =>
  waitFor(
    async () => {
      const r = await api('GET', `/api/runs/${runId}`);
      return ['succeeded', 'failed', 'cancelled'].includes(r.body?.status as string) ? r.body : undefined;
    },
    30_000,
    `run ${runId} to end`,
  );

describe('the Draxis KRI loop', () => {
  it('a breach starts the patch workflow; patch_applied decrements the KRI once; the risk engine recovers it', async () => {
    const tenant = await tenantId();
    expect(
      (await api('PUT', '/api/kris/critical_cves_unpatched', { name: 'Unpatched critical CVEs' })).status,
    ).toBe(200);
    const def = await api('PUT', '/api/workflow-kri-definitions/patch-applied', {
      event: 'patch_applied',
      kri: 'critical_cves_unpatched',
      effect: 'decrement',
      amount: 'event.value',
    });
    expect(def.status, def.text).toBe(201);

    // The example's copy, adapted: notify, jira, expert_panel, document, slack and approval steps have no
    // executor in this build, so the owner and ticket steps are webhooks to the sink and the approval
    // (with the `if` that read it) is dropped.
    const example = parse(readFileSync('examples/draxis-patch-critical-cve.yaml', 'utf8'));
    example.steps = [
      {
        id: 'notify_owner',
        type: 'webhook',
        webhook: {
          url: `${e2e.sink.url}/notify`,
          body: { text: 'KRI {{ trigger.kri }} is {{ trigger.value }}' },
        },
      },
      {
        id: 'open_ticket',
        type: 'webhook',
        webhook: { url: `${e2e.sink.url}/jira`, body: { summary: 'Patch {{ trigger.value }} CVEs' } },
      },
      { ...example.steps.find((s: any) => s.id === 'record_patch'), if: undefined },
    ];
    delete example.steps[2].if;
    example.steps[2].emit_kri.attributes = { ticket_status: '{{ steps.open_ticket.output.status }}' };
    const workflowId = await activate(example);

    // The risk engine: listens for updates and publishes `recovered` when the count is decremented.
    const updates: CloudEvent[] = [];
    const sub = bus().nc.subscribe(bus().subject(`kri.update.${tenant}.>`), {
      callback: (_err, msg) => {
        const update = msg.json<CloudEvent<{ effect: string }>>();
        updates.push(update);
        if (update.data.effect === 'decrement') {
          void publishEvent(
            bus(),
            subjects.kriBreach(tenant, 'critical_cves_unpatched'),
            breach(tenant, 'rec-1', breachData('critical_cves_unpatched', 0), 'kri.threshold.recovered'),
          );
        }
      },
    });

    await publishEvent(
      bus(),
      subjects.kriBreach(tenant, 'critical_cves_unpatched'),
      breach(tenant, 'brc-1', breachData('critical_cves_unpatched')),
    );
    const [started] = await waitFor(
      async () => {
        const runs = await runsOf(workflowId);
        return runs.length > 0 ? runs : undefined;
      },
      30_000,
      'the breach to start a run',
    );
    const run = await endOf(started!.run_id);
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    expect(run.path).toEqual(['notify_owner', 'open_ticket', 'record_patch']);
    expect(run.trigger).toMatchObject({
      type: 'kri_breach',
      payload: { kri: 'critical_cves_unpatched', value: 14 },
    });
    const record = run.steps.find((s: any) => s.id === 'record_patch');
    expect(record.output.updates).toHaveLength(1);
    expect(run.kriEvents).toEqual([
      expect.objectContaining({
        stepId: 'record_patch',
        kri: 'critical_cves_unpatched',
        effect: 'decrement',
        amount: 14,
        definitionId: 'patch-applied',
        definitionVersion: 1,
      }),
    ]);

    // The recovery is accepted (forwarded to waiting runs) and starts nothing.
    await waitFor(
      async () => (await api('GET', '/api/trigger-stats')).body.received.kri_breach === 2,
      30_000,
      'the recovery to be accepted',
    );
    await drained();
    sub.unsubscribe();
    const stream = await bus().jsm.streams.info(bus().streamName(streams.kriUpdates.name));
    expect(stream.state.messages).toBe(1);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      type: 'kri.update',
      data: {
        kri: 'critical_cves_unpatched',
        event: 'patch_applied',
        effect: 'decrement',
        amount: 14,
        runId: started!.run_id,
      },
    });
    expect(await runsOf(workflowId)).toHaveLength(1);
    const signalsSent = async () =>
      e2e.platform.db.query(
        `select id from trigger_router.outbox where subject like 'run.signal.%' and sent_at is not null`,
      );
    // sent marks are written in batches just after the publish
    await waitFor(async () => (await signalsSent()).length >= 2, 5_000, 'both signals marked sent');
    expect(await signalsSent()).toHaveLength(2);

    // A breach published 3 times with one id, and twice more once JetStream's dedupe window has passed
    // (simulated with new message ids): one run.
    const again = breach(tenant, 'brc-dup', breachData('critical_cves_unpatched'));
    const subject = subjects.kriBreach(tenant, 'critical_cves_unpatched');
    for (let i = 0; i < 3; i++) await publishEvent(bus(), subject, again);
    for (let i = 0; i < 2; i++)
      await publishEvent(bus(), subject, again, { msgId: `${again.id}:after-window-${i}` });
    await drained();
    const dup = (await runsOf(workflowId)).filter((r) => r.source_id === 'kri_breach:brc-dup');
    expect(dup).toHaveLength(1);
  });
});

/** The KRI events on a run's record, once there are any (a mapped result is applied after the run ends). */
const kriEventsOf = (runId: string) =>
  waitFor(
    async () => {
      const r = await api('GET', `/api/runs/${runId}`);
      return (r.body.kriEvents as unknown[]).length > 0 ? r.body.kriEvents : undefined;
    },
    30_000,
    `KRI events on run ${runId}`,
  );

describe('result mappings', () => {
  it('a step result a definition maps becomes one KRI update, with no emit_kri step, however often it is delivered', async () => {
    const tenant = await tenantId();
    const resultsStaged = async (runId: string) =>
      e2e.platform.db.query(
        `select id from runner.outbox where subject like 'step.result.%' and event->'data'->>'runId' = $1`,
        [runId],
      );
    // Before the tenant maps any result, the runner sends no step results to the KRI emitter.
    const before = await activate({
      name: 'Before any mapping',
      triggers: [{ type: 'manual' }],
      steps: [{ id: 'call', type: 'webhook', webhook: { url: `${e2e.sink.url}/before` } }],
    });
    const unmapped = await api('POST', `/api/workflows/${before}/run`, {});
    expect(unmapped.status, unmapped.text).toBe(202);
    expect((await endOf(unmapped.body.runId as string)).status).toBe('succeeded');
    expect(await resultsStaged(unmapped.body.runId as string)).toEqual([]);

    expect((await api('PUT', '/api/kris/open_patch_tickets', { name: 'Open patch tickets' })).status).toBe(
      200,
    );
    const def = await api('PUT', '/api/workflow-kri-definitions/patch-confirmed', {
      event: 'patch_confirmed',
      kri: 'open_patch_tickets',
      effect: 'decrement',
      amount: 'step.output.body.patched',
      from_result: { kinds: ['webhook'], when: 'step.output.body.status == "patch confirmed"' },
    });
    expect(def.status, def.text).toBe(201);
    e2e.sink.respond((request) =>
      request.path === '/patch'
        ? { body: { status: 'patch confirmed', patched: 3 } }
        : { body: { status: 'queued' } },
    );
    const workflowId = await activate({
      name: 'Patch and confirm',
      triggers: [{ type: 'manual' }],
      steps: [
        { id: 'open_ticket', type: 'webhook', webhook: { url: `${e2e.sink.url}/ticket` } },
        { id: 'apply_patch', type: 'webhook', webhook: { url: `${e2e.sink.url}/patch` } },
      ],
    });

    const updates: CloudEvent<{ kri: string; amount: number; stepId: string }>[] = [];
    const sub = bus().nc.subscribe(bus().subject(`kri.update.${tenant}.open_patch_tickets`), {
      callback: (_err, msg) => void updates.push(msg.json()),
    });
    const started = await api('POST', `/api/workflows/${workflowId}/run`, {});
    expect(started.status, started.text).toBe(202);
    const run = await endOf(started.body.runId as string);
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    // the registry's notice told the runner: both results went to the KRI emitter
    expect(await resultsStaged(run.id as string)).toHaveLength(2);
    const mapped = await kriEventsOf(run.id as string);
    expect(mapped).toEqual([
      expect.objectContaining({
        stepId: 'apply_patch',
        event: 'patch_confirmed',
        kri: 'open_patch_tickets',
        effect: 'decrement',
        amount: 3,
        definitionId: 'patch-confirmed',
      }),
    ]);

    // The runner's result message delivered again, past JetStream's dedupe window: nothing new.
    const [outboxed] = await e2e.platform.db.query<{ subject: string; event: CloudEvent }>(
      `select subject, event from runner.outbox where subject like 'step.result.%' and event->'data'->>'stepId' = 'apply_patch'
         and event->'data'->>'runId' = $1`,
      [run.id],
    );
    expect(outboxed).toBeDefined();
    await publishEvent(bus(), outboxed!.subject, outboxed!.event, { msgId: `${outboxed!.event.id}:again` });
    await waitFor(
      async () => (await bus().jsm.streams.info(bus().streamName(streams.steps.name))).state.messages === 0,
      30_000,
      'the step queue to drain',
    );
    await waitFor(() => updates.length >= 1, 10_000, 'the update on the bus');
    sub.unsubscribe();
    expect(updates).toHaveLength(1);
    expect(updates[0]!.data).toMatchObject({ kri: 'open_patch_tickets', amount: 3, stepId: 'apply_patch' });
    const rows = await e2e.platform.db.query(
      `select id from kri_emitter.emitted_events where run_id = $1 and kri = 'open_patch_tickets'`,
      [run.id],
    );
    expect(rows).toHaveLength(1);

    // A changed mapping applies to the next result at once (the emitter's cached copy is dropped).
    const changed = await api('PUT', '/api/workflow-kri-definitions/patch-confirmed', {
      event: 'patch_confirmed',
      kri: 'open_patch_tickets',
      effect: 'decrement',
      amount: 'step.output.body.patched * 2',
      from_result: { kinds: ['webhook'], when: 'step.output.body.status == "patch confirmed"' },
      reason: 'count both hosts of each patch',
    });
    expect(changed.status, changed.text).toBe(200);
    const second = await api('POST', `/api/workflows/${workflowId}/run`, {});
    const secondRun = await endOf(second.body.runId as string);
    const remapped = await kriEventsOf(secondRun.id as string);
    expect(remapped).toEqual([expect.objectContaining({ amount: 6, definitionVersion: 2 })]);
  });

  it('refuses a result mapping with a bad condition, an unmapped kind or an amount reading the trigger, naming the field', async () => {
    const base = { event: 'patch_confirmed', kri: 'open_patch_tickets', effect: 'decrement', amount: 1 };
    const cases: [unknown, string][] = [
      [{ ...base, from_result: { when: 'step.output.body.status ==' } }, 'from_result.when'],
      [{ ...base, from_result: { when: 'trigger.value > 1' } }, 'from_result.when'],
      [{ ...base, from_result: { when: 'true', kinds: ['emit_kri'] } }, 'from_result.kinds'],
      [{ ...base, amount: 'trigger.value', from_result: { when: 'true' } }, 'amount'],
      [{ ...base, from_result: { kinds: ['webhook'] } }, 'from_result.when'],
    ];
    for (const [body, field] of cases) {
      const answer = await api('PUT', '/api/workflow-kri-definitions/bad-mapping', body);
      expect(answer.status, answer.text).toBe(422);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(JSON.stringify(answer.body), answer.text).toContain(field);
    }
  });
});

describe('events from other systems', () => {
  it("policy.violation.created starts PolicyCortex's S3 remediation only when severity and resource type match", async () => {
    const tenant = await tenantId();
    // The example's remediation action must be registered before the workflow can be saved.
    await api('PUT', '/api/relay-config', {
      destinations: { automation: { type: 'webhook', settings: { url: `${e2e.sink.url}/automation` } } },
    });
    const registered = await api('PUT', '/api/remediation-actions/aws_s3_disable_public_access', {
      destination: 'automation',
      input_schema: { type: 'object' },
    });
    expect(registered.status).toBe(201);
    const workflowId = await activate(
      readFileSync('examples/policycortex-s3-public-access.yaml', 'utf8'),
      'application/yaml',
    );
    const violation = (id: string, severity: string, resourceType: string) =>
      cloudEvent({
        id,
        source: 'test-policy-engine',
        type: 'policy.violation.created',
        tenant,
        data: {
          policy_name: 's3-no-public-access',
          severity,
          resource_type: resourceType,
          resource: { name: 'logs', environment: 'dev', business_impact: 'LOW' },
        },
      });
    const subject = subjects.externalEvent(tenant, 'policy.violation.created');
    await publishEvent(bus(), subject, violation('pv-low', 'LOW', 'AWS::S3::Bucket'));
    await publishEvent(bus(), subject, violation('pv-ec2', 'HIGH', 'AWS::EC2::Instance'));
    await publishEvent(bus(), subject, violation('pv-hit', 'CRITICAL', 'AWS::S3::Bucket'));
    await drained();
    const runs = await runsOf(workflowId);
    expect(runs.map((r) => r.source_id)).toEqual(['event:pv-hit']);
  });
});

describe('webhooks', () => {
  const sign = (secret: string, body: string, ts = Math.floor(Date.now() / 1000)) => ({
    'content-type': 'application/json',
    'x-riskloop-timestamp': String(ts),
    'x-riskloop-signature': `v1=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`,
  });
  const post = (url: string, body: string, headers: Record<string, string>) =>
    fetch(`${e2e.platform.gatewayUrl}${url}`, { method: 'POST', body, headers });

  it('accepts a valid signature once and refuses a wrong secret, a stale timestamp, a replay and a changed body', async () => {
    const workflowId = await activate({
      name: 'Inbound finding',
      triggers: [{ type: 'webhook' }],
      steps: [
        {
          id: 'post',
          type: 'webhook',
          webhook: { url: `${e2e.sink.url}/finding`, body: { f: '{{ trigger.finding }}' } },
        },
      ],
    });
    const made = await api('POST', `/api/workflows/${workflowId}/webhook-secret`);
    expect(made.status).toBe(201);
    const { secret, url } = made.body as { secret: string; url: string };

    const body = JSON.stringify({ finding: 'open port 22' });
    const valid = sign(secret, body);
    const ok = await post(url, body, valid);
    expect(ok.status).toBe(202);
    expect(((await ok.json()) as { started: boolean }).started).toBe(true);
    expect((await post(url, body, sign('whsec_wrong', body))).status).toBe(401);
    expect((await post(url, body, sign(secret, body, Math.floor(Date.now() / 1000) - 301))).status).toBe(401);
    expect((await post(url, body, valid)).status).toBe(401);
    expect((await post(url, JSON.stringify({ finding: 'nothing' }), valid)).status).toBe(401);
    const refused = await post(url, body, sign('whsec_wrong', body));
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await runsOf(workflowId)).toHaveLength(1);
  });

  it('a GitHub pull_request delivery signed as GitHub does starts the matching workflow', async () => {
    const yaml = readFileSync('examples/archguard-pr-check.yaml', 'utf8').replace(
      /https:\/\/scanner\.archguard\.example/g,
      e2e.sink.url,
    );
    const workflowId = await activate(yaml, 'application/yaml');
    const { secret, url } = (await api('POST', `/api/workflows/${workflowId}/webhook-secret`)).body as {
      secret: string;
      url: string;
    };
    const delivery = (action: string, id: string) => {
      const body = JSON.stringify({
        action,
        repository: { full_name: 'archguard/platform' },
        pull_request: {
          number: 7,
          draft: false,
          head: { sha: 'abc' },
          html_url: 'https://github.com/x/7',
          user: { login: 'dev' },
        },
      });
      return post(url, body, {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': id,
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      });
    };
    expect((await delivery('opened', 'gh-1')).status).toBe(202);
    const closed = await delivery('closed', 'gh-2');
    expect(closed.status).toBe(200);
    expect(((await closed.json()) as { started: boolean }).started).toBe(false);
    expect((await delivery('opened', 'gh-1')).status).toBe(401);
    const runs = await runsOf(workflowId);
    expect(runs).toHaveLength(1);
    // the run is started asynchronously (queued by the trigger-router, then taken by the runner)
    const run = await waitFor(
      async () => {
        const r = await api('GET', `/api/runs/${runs[0]!.run_id}`);
        return r.status === 200 && r.body.status !== 'queued' ? r : undefined;
      },
      30_000,
      'the started run',
    );
    expect(run.body.trigger, JSON.stringify(run.body)).toMatchObject({
      type: 'webhook',
      payload: { action: 'opened' },
    });
  });
});

describe('bad input', () => {
  it('refuses a KRI definition with an unknown KRI or a non-numeric amount with 422 and the path, and versions edits', async () => {
    await api('PUT', '/api/kris/open_incidents', { name: 'Open incidents' });
    const unknown = await api('PUT', '/api/workflow-kri-definitions/x', {
      event: 'incident_closed',
      kri: 'nope',
      effect: 'decrement',
      amount: 1,
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].path).toBe('kri');
    for (const amount of ["'five'", 'event.value +', 'trigger.value']) {
      const bad = await api('PUT', '/api/workflow-kri-definitions/x', {
        event: 'incident_closed',
        kri: 'open_incidents',
        effect: 'decrement',
        amount,
      });
      expect(bad.status, amount).toBe(422);
      expect(bad.body.errors[0].path).toBe('amount');
    }
    const v1 = await api('PUT', '/api/workflow-kri-definitions/incident-closed', {
      event: 'incident_closed',
      kri: 'open_incidents',
      effect: 'decrement',
      amount: 1,
    });
    const v2 = await api('PUT', '/api/workflow-kri-definitions/incident-closed?reason=two%20at%20once', {
      event: 'incident_closed',
      kri: 'open_incidents',
      effect: 'decrement',
      amount: 2,
    });
    expect([v1.status, v1.body.version, v2.status, v2.body.version]).toEqual([201, 1, 200, 2]);
    const log = await api('GET', '/api/workflow-kri-definitions/incident-closed/change-log');
    expect(log.body.items.map((i: any) => [i.version, i.action, i.reason])).toEqual([
      [1, 'created', null],
      [2, 'updated', 'two at once'],
    ]);
    expect((await api('GET', '/api/workflow-kri-definitions?event=incident_closed')).body.items).toHaveLength(
      1,
    );
  });

  it('dead-letters breaches for an unknown tenant or KRI, or malformed ones, with the reason, and counts them', async () => {
    const tenant = await tenantId();
    const before = (await api('GET', '/api/trigger-stats')).body.deadLettered.kri_breach as number;
    const stranger = '00000000-0000-4000-8000-00000000beef';
    await publishEvent(
      bus(),
      subjects.kriBreach(stranger, 'critical_cves_unpatched'),
      breach(stranger, 'x-1', breachData('critical_cves_unpatched')),
    );
    await publishEvent(
      bus(),
      subjects.kriBreach(tenant, 'made_up_kri'),
      breach(tenant, 'x-2', breachData('made_up_kri')),
    );
    await publishEvent(
      bus(),
      subjects.kriBreach(tenant, 'critical_cves_unpatched'),
      breach(tenant, 'x-3', { kri: 'critical_cves_unpatched', value: 'lots' }),
    );
    await drained();
    const stats = await waitFor(
      async () => {
        const s = await api('GET', '/api/trigger-stats');
        return s.body.deadLettered.kri_breach === before + 3 ? s.body : undefined;
      },
      30_000,
      'three dead letters',
    );
    expect(stats.deadLettered.kri_breach).toBe(before + 3);
    const letters = await bus().jsm.streams.info(bus().streamName(streams.deadLetters.name));
    expect(letters.state.messages).toBeGreaterThanOrEqual(3);
    const reasons: string[] = [];
    const consumer = await bus().js.consumers.get(bus().streamName(streams.deadLetters.name));
    for (let i = 0; i < letters.state.messages; i++) {
      const m = await consumer.next({ expires: 2_000 });
      if (m) reasons.push(m.json<{ reason: string }>().reason);
    }
    expect(reasons.join('\n')).toContain(`unknown tenant ${stranger}`);
    expect(reasons.join('\n')).toContain('unknown KRI made_up_kri');
    expect(reasons.join('\n')).toContain('malformed kri.threshold.breached');
  });

  it('refuses a manual run whose payload breaks the trigger input schema, naming the field', async () => {
    const workflowId = await activate({
      name: 'Manual with input',
      triggers: [
        {
          type: 'manual',
          input: { type: 'object', required: ['asset'], properties: { asset: { type: 'string' } } },
        },
      ],
      steps: [
        {
          id: 'post',
          type: 'webhook',
          webhook: { url: `${e2e.sink.url}/m`, body: { a: '{{ trigger.asset }}' } },
        },
      ],
    });
    const bad = await api('POST', `/api/workflows/${workflowId}/run`, { asset: 7 });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('asset');
    expect((await api('POST', `/api/workflows/${workflowId}/run`, { asset: 'db-1' })).status).toBe(202);
  });
});
