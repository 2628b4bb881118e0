/**
 * Approvals, waits and run control end to end over real processes: the seeds' approval flows (PolicyCortex's
 * approval chain, Zentra's new joiner) with people's API keys deciding over HTTP, durable timers driven
 * through the timer table (no test sleeps 48 hours), cancel, the run's event stream, and bad input.
 *
 * Relay kinds the runner cannot reach yet in this file's platform (servicenow, notify, email) are turned
 * into webhook steps to the local sink, keeping every id, `if` and the structure of the examples.
 */
import { cloudEvent, eventTypes, subjects, WorkflowDefinition, type Step } from '@riskloop/contracts';
import { parseYaml } from '@riskloop/definitions';
import { readDeadLetters, usePlatform, waitFor } from '@riskloop/testkit';
import { publishEvent } from '@riskloop/bus';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

const e2e = usePlatform();

/** The example with each relay step posting its parameters to the sink instead, at `/<kind>/<id>`. */
function withSinkSteps(file: string, sinkUrl: string): WorkflowDefinition {
  const definition = WorkflowDefinition.parse(parseYaml(readFileSync(`examples/${file}`, 'utf8')));
  // Relay kinds become webhooks; approval outputs (`outcome`) stay as they are.
  const swap = (steps: Step[]): Step[] =>
    steps.map((step) => {
      if (step.type === 'branch')
        return {
          ...step,
          branch: {
            cases: step.branch.cases.map((c) => ({ ...c, steps: swap(c.steps) })),
            ...(step.branch.default ? { default: swap(step.branch.default) } : {}),
          },
        };
      if (step.type === 'parallel')
        return {
          ...step,
          parallel: {
            ...step.parallel,
            branches: step.parallel.branches.map((b) => ({ ...b, steps: swap(b.steps) })),
          },
        };
      if (!['servicenow', 'notify', 'email'].includes(step.type)) return step;
      const params = (step as unknown as Record<string, unknown>)[step.type];
      const { [step.type]: _, type: __, ...common } = step as unknown as Record<string, unknown>;
      return {
        ...common,
        type: 'webhook',
        webhook: { url: `${sinkUrl}/${step.type}/${step.id}`, method: 'POST', body: params },
      } as unknown as Step;
    });
  const swapped: WorkflowDefinition = {
    ...definition,
    triggers: [{ type: 'manual' }],
    steps: swap(definition.steps),
  };
  // A webhook step's output is `{ status, body }`: later templates read the answer from `body`.
  const text = JSON.stringify(swapped).replace(/steps\.(\w+)\.output\.(?!outcome)/g, 'steps.$1.output.body.');
  return WorkflowDefinition.parse(JSON.parse(text));
}

async function person(user: string, groups: string[] = [], role = 'approver'): Promise<string> {
  const created = await e2e.api('POST', '/api/api-keys', { body: { name: user, role, user, groups } });
  expect(created.status).toBe(201);
  return created.body.apiKey as string;
}

async function activeWorkflow(definition: unknown): Promise<string> {
  const created = await e2e.api('POST', '/api/workflows', { body: definition });
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  expect((await e2e.api('POST', `/api/workflows/${id}/activate`)).status).toBe(200);
  return id;
}

async function startRun(workflowId: string, payload: unknown, key?: string): Promise<string> {
  const started = await e2e.api('POST', `/api/workflows/${workflowId}/run`, {
    body: payload,
    ...(key ? { key } : {}),
  });
  expect(started.status).toBe(202);
  return started.body.runId as string;
}

const getRun = async (runId: string) => (await e2e.api('GET', `/api/runs/${runId}`)).body;

async function runReaches(runId: string, status: string) {
  return waitFor(
    async () => {
      const run = await getRun(runId);
      return run?.status === status ? run : undefined;
    },
    30_000,
    `run ${runId} ${status}`,
  );
}

/** The pending approval of a step, once the run has asked for it. */
async function pendingApproval(runId: string, stepId: string) {
  return waitFor(
    async () => {
      const page = await e2e.api('GET', `/api/approvals?scope=all&runId=${runId}&status=pending`);
      return (page.body.items as { id: string; stepId: string }[]).find((a) => a.stepId === stepId);
    },
    30_000,
    `approval ${stepId} of run ${runId}`,
  );
}

const decide = (approvalId: string, key: string, decision: 'approve' | 'reject', comment?: string) =>
  e2e.api('POST', `/api/approvals/${approvalId}/decisions`, {
    key,
    body: { decision, ...(comment ? { comment } : {}) },
  });

/** Make the run's timers of one purpose due now: the runner fires them on its next poll. */
async function fastForward(runId: string, purpose: string): Promise<void> {
  const rows = await e2e.platform.db.query(
    `update runner.timers set due_at = now() where run_id = $1 and key like $2 and fired_at is null returning id`,
    [runId, `${purpose}:%`],
  );
  expect(rows.length).toBeGreaterThan(0);
}

const sinkHits = (path: string) => e2e.sink.requests.filter((r) => r.path === path);

describe('PolicyCortex approval chain', () => {
  const chain = () => withSinkSteps('policycortex-approval-chain.yaml', e2e.sink.url);

  it('runs technical, security and executive approval with separation of duties', async () => {
    const workflowId = await activeWorkflow(chain());
    // Bob requests the exception: an operator, who may start runs.
    const bob = await person('bob', [], 'operator');
    const techLead = await person('tess', ['tech_lead']);
    const security = await person('sam', ['security_team']);
    const cto = await person('carl', ['cto']);
    const ciso = await person('cleo', ['ciso']);
    const outsider = await person('olga', ['finance']);

    const runId = await startRun(
      workflowId,
      { title: 'Legacy TLS on billing', risk_level: 'HIGH', cost_impact: 25_000, requester: 'bob' },
      bob,
    );
    const technical = await pendingApproval(runId, 'technical_review');

    // The inbox shows it to the tech lead, not to the requester or someone else.
    const inbox = await e2e.api('GET', '/api/approvals', { key: techLead });
    expect(inbox.body.items.map((a: { id: string }) => a.id)).toContain(technical.id);
    expect((await e2e.api('GET', '/api/approvals', { key: bob })).body.items).toEqual([]);

    const byRequester = await decide(technical.id, bob, 'approve');
    expect(byRequester.status).toBe(403);
    expect(byRequester.type).toContain('application/problem+json');
    expect((await decide(technical.id, outsider, 'approve')).status).toBe(403);

    const approved = await decide(technical.id, techLead, 'approve', 'compensating control in place');
    expect(approved.status).toBe(201);
    expect(approved.body.decision).toMatchObject({
      decision: 'approve',
      user: 'tess',
      comment: 'compensating control in place',
    });
    expect((await decide(technical.id, techLead, 'reject')).status).toBe(409);

    const securityReview = await pendingApproval(runId, 'security_review');
    expect((await decide(securityReview.id, security, 'approve')).status).toBe(201);

    const executive = await pendingApproval(runId, 'executive_approval');
    expect((await decide(executive.id, cto, 'approve')).status).toBe(201);
    expect((await e2e.api('GET', `/api/approvals/${executive.id}`)).body).toMatchObject({
      status: 'pending',
      needed: 2,
    });
    expect((await decide(executive.id, ciso, 'approve')).status).toBe(201);

    const run = await runReaches(runId, 'succeeded');
    expect(run.path).toEqual([
      'risk_score',
      'technical_review',
      'stop_after_technical',
      'security_review',
      'stop_after_security',
      'executive_approval',
      'stop_after_executive',
      'tell_requester',
    ]);
    expect(run.approvals.map((a: { stepId: string; status: string }) => [a.stepId, a.status])).toEqual([
      ['technical_review', 'approved'],
      ['security_review', 'approved'],
      ['executive_approval', 'approved'],
    ]);
    expect(run.approvals[2].decisions.map((d: { user: string }) => d.user)).toEqual(['carl', 'cleo']);
    expect(sinkHits('/notify/tell_requester')).toHaveLength(1);

    // Decisions are immutable, even to someone with SQL access to the runner's schema.
    await expect(
      e2e.platform.db.query(`update runner.approval_decisions set decision = 'reject'`),
    ).rejects.toThrow(/immutable/);
    await expect(e2e.platform.db.query(`delete from runner.approval_decisions`)).rejects.toThrow(/immutable/);
  });

  it('skips the security and executive reviews for a low-risk, low-cost request', async () => {
    const workflowId = await activeWorkflow({ ...chain(), name: 'chain (low risk)' });
    const techLead = await person('tina', ['tech_lead']);
    const runId = await startRun(workflowId, {
      title: 'x',
      risk_level: 'LOW',
      cost_impact: 10,
      requester: 'bob',
    });
    const technical = await pendingApproval(runId, 'technical_review');
    expect((await decide(technical.id, techLead, 'approve')).status).toBe(201);
    const run = await runReaches(runId, 'succeeded');
    const status = (id: string) => run.steps.find((s: { id: string }) => s.id === id)?.status;
    expect(status('security_review')).toBe('skipped');
    expect(status('executive_approval')).toBe('skipped');
  });

  it('a technical review that times out ends the chain (on_timeout: reject)', async () => {
    const workflowId = await activeWorkflow({ ...chain(), name: 'chain (timeout)' });
    const runId = await startRun(workflowId, {
      title: 'y',
      risk_level: 'HIGH',
      cost_impact: 0,
      requester: 'bob',
    });
    const technical = await pendingApproval(runId, 'technical_review');
    expect(Date.parse((await e2e.api('GET', `/api/approvals/${technical.id}`)).body.dueAt)).toBeGreaterThan(
      Date.now() + 23 * 3_600_000,
    );
    await fastForward(runId, 'approval-timeout');
    const run = await runReaches(runId, 'cancelled');
    expect(run.error.code).toBe('terminated_cancelled');
    expect(run.steps.find((s: { id: string }) => s.id === 'technical_review').output.outcome).toBe(
      'timed_out',
    );
    expect((await e2e.api('GET', `/api/approvals/${technical.id}`)).body.status).toBe('timed_out');
  });
});

describe("Zentra's new joiner", () => {
  // The service desk answers each create with the record's sys_id and number, as ServiceNow does.
  beforeAll(() => {
    e2e.sink.respond((request) => ({
      body: { sys_id: `sys${request.path.replaceAll('/', '_')}`, number: 'SCTASK0010' },
    }));
  });
  const joiner = {
    record_type: 'new_joiner',
    hr_contact: 'hr@zentra.test',
    survey_url: 'https://survey.zentra.test/30d',
    joiner: {
      name: 'Nia Park',
      first_name: 'Nia',
      email: 'nia@zentra.test',
      title: 'Risk analyst',
      start_date: '2026-12-01',
      line_manager: 'mia',
    },
  };

  it('approved: three tickets at once, manager approval, tickets ready, 30 days later the survey', async () => {
    const workflowId = await activeWorkflow(withSinkSteps('zentra-new-joiner.yaml', e2e.sink.url));
    const mia = await person('mia');
    const runId = await startRun(workflowId, joiner);
    const approval = await pendingApproval(runId, 'manager_approval');
    for (const id of ['laptop_ticket', 'accounts_ticket', 'desk_ticket'])
      expect(sinkHits(`/servicenow/${id}`)).toHaveLength(1);
    expect(approval).toMatchObject({ approvers: [{ user: 'mia' }] });
    expect((await decide(approval.id, mia, 'approve')).status).toBe(201);

    await waitFor(
      async () => {
        const run = await getRun(runId);
        return run.steps.find((s: { id: string }) => s.id === 'wait_30_days')?.status === 'waiting'
          ? run
          : undefined;
      },
      30_000,
      'the 30-day wait',
    );
    for (const id of ['laptop_ready', 'accounts_ready', 'desk_ready', 'notify_field_it'])
      expect(sinkHits(`/${id === 'notify_field_it' ? 'notify' : 'servicenow'}/${id}`)).toHaveLength(1);
    const timers = await e2e.platform.db.query<{ due_at: Date }>(
      `select due_at from runner.timers where run_id = $1 and key like 'wait:%'`,
      [runId],
    );
    expect(timers[0]!.due_at.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(sinkHits('/email/check_in_survey')).toHaveLength(0);

    await fastForward(runId, 'wait');
    const run = await runReaches(runId, 'succeeded');
    expect(sinkHits('/email/check_in_survey')).toHaveLength(1);
    expect(run.steps.find((s: { id: string }) => s.id === 'outcome').output).toEqual({ case: 0 });
  });

  it('rejected: HR is told, the tickets are cancelled, no survey', async () => {
    const workflowId = await activeWorkflow({
      ...withSinkSteps('zentra-new-joiner.yaml', e2e.sink.url),
      name: 'joiner (rejected)',
    });
    const max = await person('max');
    const runId = await startRun(workflowId, {
      ...joiner,
      joiner: { ...joiner.joiner, line_manager: 'max' },
    });
    const approval = await pendingApproval(runId, 'manager_approval');
    expect((await decide(approval.id, max, 'reject', 'start date moved')).status).toBe(201);
    const run = await runReaches(runId, 'succeeded');
    expect(run.path).toContain('stop_not_approved');
    expect(run.path).not.toContain('wait_30_days');
    expect(run.steps.find((s: { id: string }) => s.id === 'outcome').output).toEqual({ case: 'default' });
  });
});

describe('run control and record', () => {
  const waiting = (url: string) => ({
    name: 'Wait for a sign-off',
    triggers: [{ type: 'manual' }],
    steps: [
      { id: 'sign_off', type: 'approval', approval: { approvers: [{ user: 'ula' }], timeout: '2h' } },
      { id: 'post', type: 'webhook', webhook: { url: `${url}/after-sign-off`, body: { ok: true } } },
    ],
  });

  it('cancels a waiting run: its approval is cancelled, its timers are gone, a second cancel is 409', async () => {
    const workflowId = await activeWorkflow(waiting(e2e.sink.url));
    const runId = await startRun(workflowId, {});
    const approval = await pendingApproval(runId, 'sign_off');
    const cancelled = await e2e.api('POST', `/api/runs/${runId}/cancel`, {
      body: { reason: 'no longer needed' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
    expect(cancelled.body.steps[0]).toMatchObject({ id: 'sign_off', status: 'cancelled' });
    expect((await e2e.api('GET', `/api/approvals/${approval.id}`)).body.status).toBe('cancelled');
    expect(await e2e.platform.db.query(`select id from runner.timers where run_id = $1`, [runId])).toEqual(
      [],
    );
    expect((await e2e.api('POST', `/api/runs/${runId}/cancel`)).status).toBe(409);
    const late = await decide(approval.id, await person('ula'), 'approve');
    expect(late.status).toBe(409);
    expect(sinkHits('/after-sign-off')).toHaveLength(0);
  });

  it('lists a workflow’s runs by status with cursor pagination', async () => {
    const workflowId = await activeWorkflow({ ...waiting(e2e.sink.url), name: 'list me' });
    const runIds = [];
    for (let i = 0; i < 3; i += 1) runIds.push(await startRun(workflowId, { i }));
    for (const id of runIds) await pendingApproval(id, 'sign_off');
    await e2e.api('POST', `/api/runs/${runIds[0]}/cancel`);
    const first = await e2e.api('GET', `/api/workflows/${workflowId}/runs?status=running&limit=1`);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    const second = await e2e.api(
      'GET',
      `/api/workflows/${workflowId}/runs?status=running&limit=1&cursor=${first.body.nextCursor as string}`,
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeUndefined();
    expect([first.body.items[0].id, second.body.items[0].id].sort()).toEqual([runIds[1], runIds[2]].sort());
    const bad = await e2e.api('GET', `/api/workflows/${workflowId}/runs?status=lost`);
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('status');
  });

  it('streams a run’s progress as server-sent events until it ends', async () => {
    const workflowId = await activeWorkflow({ ...waiting(e2e.sink.url), name: 'stream me' });
    const runId = await startRun(workflowId, {});
    const approval = await pendingApproval(runId, 'sign_off');
    const response = await fetch(`${e2e.platform.gatewayUrl}/api/runs/${runId}/events`, {
      headers: { authorization: `Bearer ${e2e.apiKey}` },
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(
      (
        await decide(
          approval.id,
          await person('ula2', [], 'approver').then(async () => person('ula3')),
          'approve',
        )
      ).status,
    ).toBe(403);
    const ula = await e2e.api('POST', '/api/api-keys', {
      body: { name: 'ula', role: 'approver', user: 'ula' },
    });
    expect((await decide(approval.id, ula.body.apiKey as string, 'approve')).status).toBe(201);
    const text = await response.text();
    const events = text.split('\n\n').filter(Boolean);
    expect(events.filter((e) => e.includes('event: progress')).length).toBeGreaterThanOrEqual(3);
    const end = events.find((e) => e.includes('event: end'));
    expect(end).toBeDefined();
    expect(JSON.parse(end!.split('data: ')[1]!)).toMatchObject({ id: runId, status: 'succeeded' });
  });

  it('dead-letters an event for an unknown run with the reason', async () => {
    const tenantRun = randomUUID();
    const { bus } = e2e.platform.testBus;
    const tenant = (await e2e.api('GET', '/api/api-keys')).body.items.length > 0 ? await tenantId() : '';
    await publishEvent(
      bus,
      subjects.runEvent(tenant, tenantRun),
      cloudEvent({
        id: randomUUID(),
        source: 'test',
        type: eventTypes.stepSucceeded,
        tenant,
        data: {
          runId: tenantRun,
          stepId: 'x',
          attempt: 1,
          tries: 1,
          output: null,
          startedAt: new Date().toISOString(),
          finishedAt: new Date().toISOString(),
        },
      }),
    );
    const letters = await waitFor(
      async () => {
        const found = (await readDeadLetters(bus, 'RUNS', 'runner')).filter((l) =>
          l.data.includes(tenantRun),
        );
        return found.length > 0 ? found : undefined;
      },
      20_000,
      'the dead letter',
    );
    expect(letters[0]!.reason).toContain(`unknown run ${tenantRun}`);
  });
});

/** The fixture tenant's id, from a run it started. */
async function tenantId(): Promise<string> {
  const rows = await e2e.platform.db.query<{ id: string }>(
    `select id from gateway.tenants where name = 'acme'`,
  );
  return rows[0]!.id;
}

describe('waiting for an outside event', () => {
  it('a run waiting for patch.confirmed completes on the matching event only, once', async () => {
    const workflowId = await activeWorkflow({
      name: 'Wait for the patch',
      triggers: [{ type: 'manual' }],
      steps: [
        {
          id: 'patched',
          type: 'wait',
          wait: {
            event: { type: 'patch.confirmed', condition: 'event.host == trigger.host' },
            timeout: '7d',
          },
        },
        {
          id: 'post',
          type: 'webhook',
          webhook: { url: `${e2e.sink.url}/patched`, body: { host: '{{ trigger.host }}' } },
        },
      ],
    });
    const runId = await startRun(workflowId, { host: 'db-7' });
    await waitFor(
      async () => {
        const run = await getRun(runId);
        return run?.steps?.[0]?.status === 'waiting' ? run : undefined;
      },
      30_000,
      'the wait',
    );
    const tenant = await tenantId();
    const signal = (host: string, id = randomUUID()) =>
      publishEvent(
        e2e.platform.testBus.bus,
        subjects.runSignal(tenant),
        cloudEvent({
          id,
          source: 'test/scanner',
          type: eventTypes.runSignal,
          tenant,
          data: { eventType: 'patch.confirmed', sourceId: id, data: { host } },
        }),
      );
    await signal('web-1'); // another host: the run keeps waiting
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await getRun(runId)).status).toBe('running');
    const matching = randomUUID();
    await signal('db-7', matching);
    await signal('db-7', matching); // the same event again changes nothing
    const run = await runReaches(runId, 'succeeded');
    expect(run.steps[0].output).toMatchObject({ eventType: 'patch.confirmed', event: { host: 'db-7' } });
    expect(sinkHits('/patched')).toHaveLength(1);
    expect(await e2e.platform.db.query(`select * from runner.waits where run_id = $1`, [runId])).toEqual([]);
  });
});

describe('approval notifications through the relay', () => {
  it('tells the approver when asked and reminds them every remind_every until they decide', async () => {
    const configured = await e2e.api('PUT', '/api/relay-config', {
      body: {
        destinations: { people_hook: { type: 'webhook', settings: { url: `${e2e.sink.url}/people` } } },
        recipients: { rita: { channel: 'webhook', destination: 'people_hook' } },
      },
    });
    expect(configured.status, configured.text).toBe(200);
    const workflowId = await activeWorkflow({
      name: 'Remind the approver',
      triggers: [{ type: 'manual' }],
      steps: [
        {
          id: 'sign_off',
          type: 'approval',
          approval: {
            approvers: [{ user: 'rita' }],
            message: 'Sign off {{ trigger.change }}',
            remind_every: '4h',
          },
        },
      ],
    });
    const runId = await startRun(workflowId, { change: 'CHG-7' });
    const approval = await pendingApproval(runId, 'sign_off');
    const toRita = () => sinkHits('/people').filter((r) => JSON.stringify(r.json).includes(approval.id));
    await waitFor(() => (toRita().length === 1 ? true : undefined), 20_000, 'the request notification');
    expect(JSON.stringify(toRita()[0]!.json)).toContain('Sign off CHG-7');

    await fastForward(runId, 'remind');
    await waitFor(() => (toRita().length === 2 ? true : undefined), 20_000, 'the first reminder');
    expect(JSON.stringify(toRita()[1]!.json)).toContain('Reminder');
    const next = await e2e.platform.db.query<{ due_at: Date }>(
      `select due_at from runner.timers where run_id = $1 and key like 'remind:%' and fired_at is null`,
      [runId],
    );
    expect(next).toHaveLength(1);
    expect(next[0]!.due_at.getTime()).toBeGreaterThan(Date.now() + 3 * 3_600_000);

    expect((await decide(approval.id, await person('rita'), 'approve')).status).toBe(201);
    await runReaches(runId, 'succeeded');
    expect(
      await e2e.platform.db.query(`select id from runner.timers where run_id = $1 and fired_at is null`, [
        runId,
      ]),
    ).toEqual([]);
  });
});
