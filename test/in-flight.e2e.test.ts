/**
 * The per-tenant limit on runs in flight: with `TRIGGER_MAX_IN_FLIGHT=2`, five runs that wait on an
 * approval reach the runner two at a time; the rest wait queued (never dropped) and start as earlier ones
 * finish, whichever way they finish.
 */
import { usePlatform, waitFor } from '@riskloop/testkit';
import { expect, it } from 'vitest';

const e2e = usePlatform({ env: { TRIGGER_MAX_IN_FLIGHT: '2' } });

const runnerRuns = async () =>
  (await e2e.platform.db.query<{ id: string }>(`select id from runner.runs order by created_at`)).map(
    (r) => r.id,
  );

it('holds runs beyond the limit in the queue and releases them as runs finish', async () => {
  const created = await e2e.api('POST', '/api/workflows', {
    body: {
      name: 'Sign-off',
      triggers: [{ type: 'manual' }],
      steps: [{ id: 'sign_off', type: 'approval', approval: { approvers: [{ user: 'una' }] } }],
    },
  });
  const workflowId = created.body.id as string;
  await e2e.api('POST', `/api/workflows/${workflowId}/activate`);
  const runIds: string[] = [];
  for (let i = 0; i < 5; i += 1)
    runIds.push(
      (await e2e.api('POST', `/api/workflows/${workflowId}/run`, { body: { i } })).body.runId as string,
    );

  const first = await waitFor(async () => ((await runnerRuns()).length === 2 ? runnerRuns() : undefined));
  await new Promise((r) => setTimeout(r, 1_500));
  expect(await runnerRuns()).toHaveLength(2);
  const queued = runIds.filter((id) => !first.includes(id));
  expect((await e2e.api('GET', `/api/runs/${queued[0]!}`)).body.status).toBe('queued');

  // One finishes by cancel, one by a decision: two more start.
  expect((await e2e.api('POST', `/api/runs/${first[0]!}/cancel`)).status).toBe(200);
  await waitFor(async () => ((await runnerRuns()).length === 3 ? true : undefined), 15_000, 'a third run');
  const una = await e2e.api('POST', '/api/api-keys', {
    body: { name: 'una', role: 'approver', user: 'una' },
  });
  const inbox = await waitFor(async () => {
    const page = await e2e.api('GET', '/api/approvals', { key: una.body.apiKey as string });
    return page.body.items.length > 0 ? page.body.items : undefined;
  });
  await e2e.api('POST', `/api/approvals/${inbox[0].id as string}/decisions`, {
    key: una.body.apiKey as string,
    body: { decision: 'approve' },
  });
  await waitFor(async () => ((await runnerRuns()).length === 4 ? true : undefined), 15_000, 'a fourth run');
  const inFlight = await e2e.platform.db.query<{ n: string }>(
    `select count(*) as n from runner.runs where status = 'running'`,
  );
  expect(Number(inFlight[0]!.n)).toBe(2);
});
