/**
 * The `query` step end to end: KRI events that workflows emitted (filtered by an attribute their
 * `emit_kri` step set), failed runs and pending approvals of the last days, read by a report workflow the
 * way the seeds' weekly compliance report does; a filter on an unknown field is refused at save time.
 */
import { usePlatform, waitFor } from '@riskloop/testkit';
import { describe, expect, it } from 'vitest';

const e2e = usePlatform({
  services: ['registry', 'trigger-router', 'runner', 'relay', 'kri-emitter', 'gateway'],
});

async function activeWorkflow(definition: unknown): Promise<string> {
  const created = await e2e.api('POST', '/api/workflows', { body: definition });
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  expect((await e2e.api('POST', `/api/workflows/${id}/activate`)).status).toBe(200);
  return id;
}

async function runToEnd(workflowId: string, payload: unknown = {}, until = ['succeeded', 'failed']) {
  const started = await e2e.api('POST', `/api/workflows/${workflowId}/run`, { body: payload });
  expect(started.status, started.text).toBe(202);
  const runId = started.body.runId as string;
  return waitFor(
    async () => {
      const run = await e2e.api('GET', `/api/runs/${runId}`);
      return until.includes(run.body.status as string) ? run.body : undefined;
    },
    30_000,
    `run ${runId} to reach ${until.join(' or ')}`,
  );
}

const stepOf = (run: { steps: { id: string; output?: any }[] }, id: string) =>
  run.steps.find((s) => s.id === id)!;

describe('query steps', () => {
  it('reads emitted KRI events by attribute, failed runs and pending approvals of the window', async () => {
    expect(
      (await e2e.api('PUT', '/api/kris/compliance_score', { body: { name: 'Compliance score' } })).status,
    ).toBe(200);
    const definition = await e2e.api('PUT', '/api/workflow-kri-definitions/compliance-score', {
      body: { event: 'compliance_score', kri: 'compliance_score', effect: 'set', amount: 'event.value' },
    });
    expect(definition.status, definition.text).toBe(201);

    const scores = await activeWorkflow({
      name: 'Record a compliance score',
      triggers: [{ type: 'manual' }],
      emits: ['compliance_score'],
      steps: [
        {
          id: 'record',
          type: 'emit_kri',
          emit_kri: {
            event: 'compliance_score',
            value: '{{ trigger.value }}',
            attributes: { framework: '{{ trigger.framework }}' },
          },
        },
      ],
    });
    for (const [framework, value] of [
      ['SOC2', 0.94],
      ['HIPAA', 0.88],
      ['ISO27001', 0.7],
    ] as const)
      expect((await runToEnd(scores, { framework, value })).status).toBe('succeeded');

    const failing = await activeWorkflow({
      name: 'Always fails',
      triggers: [{ type: 'manual' }],
      steps: [{ id: 'stop', type: 'terminate', terminate: { status: 'failed', reason: 'test' } }],
    });
    for (let i = 0; i < 2; i += 1) expect((await runToEnd(failing)).status).toBe('failed');

    const asking = await activeWorkflow({
      name: 'Waits for a sign-off',
      triggers: [{ type: 'manual' }],
      steps: [{ id: 'sign_off', type: 'approval', approval: { approvers: [{ role: 'ciso' }] } }],
    });
    await runToEnd(asking, {}, ['running']);
    await waitFor(
      async () => {
        const page = await e2e.api('GET', `/api/approvals?scope=all&workflowId=${asking}&status=pending`);
        return (page.body.items as unknown[]).length === 1 ? true : undefined;
      },
      30_000,
      'the pending approval',
    );

    const report = await activeWorkflow({
      name: 'Weekly report',
      triggers: [{ type: 'manual' }],
      steps: [
        {
          id: 'scores',
          type: 'query',
          query: { source: 'kri_events', since: '7d', filter: { framework: ['SOC2', 'HIPAA', 'PCI_DSS'] } },
        },
        {
          id: 'violations',
          type: 'query',
          query: { source: 'runs', since: '7d', filter: { status: 'failed' } },
        },
        {
          id: 'open_approvals',
          type: 'query',
          query: { source: 'approvals', since: '7d', filter: { status: 'pending' }, limit: 10 },
        },
        {
          id: 'one_violation',
          type: 'query',
          query: { source: 'runs', filter: { status: 'failed', workflow_id: failing }, limit: 1 },
        },
      ],
    });
    const run = await runToEnd(report);
    expect(run.status).toBe('succeeded');

    const kri = stepOf(run, 'scores').output;
    expect(kri.count).toBe(2);
    expect(kri.items.map((e: any) => [e.attributes.framework, e.amount, e.event]).sort()).toEqual([
      ['HIPAA', 0.88, 'compliance_score'],
      ['SOC2', 0.94, 'compliance_score'],
    ]);
    expect(stepOf(run, 'violations').output).toMatchObject({ count: 2 });
    expect(stepOf(run, 'violations').output.items.every((r: any) => r.status === 'failed')).toBe(true);
    expect(stepOf(run, 'open_approvals').output).toMatchObject({
      count: 1,
      items: [{ workflowId: asking, stepId: 'sign_off', status: 'pending' }],
    });
    const one = stepOf(run, 'one_violation').output;
    expect([one.count, one.items.length, one.items[0].workflowId]).toEqual([2, 1, failing]);
  });

  it('refuses a filter on a field the source does not have, naming it', async () => {
    const created = await e2e.api('POST', '/api/workflows', {
      body: {
        name: 'Bad report',
        triggers: [{ type: 'manual' }],
        steps: [{ id: 'q', type: 'query', query: { source: 'runs', filter: { colour: 'red' } } }],
      },
    });
    expect(created.status).toBe(422);
    expect(created.body.errors).toContainEqual(
      expect.objectContaining({ path: 'steps[0].query.filter.colour' }),
    );
  });
});
