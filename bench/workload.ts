/**
 * The standard workload: a `kri_breach` trigger on `bench_kri`, three `webhook` steps to a local HTTP sink,
 * then an `emit_kri` (`bench_done`, which a KRI event definition turns into a `kri.update`). Each tenant gets
 * the KRI, the definition and one active workflow, through the public API as a user would set them up.
 */
import { apiClient, createTenant, waitFor, type Platform } from '@riskloop/testkit';

export const benchKri = 'bench_kri';

const hook = (sink: string, id: string) => ({
  id,
  type: 'webhook',
  webhook: { url: `${sink}/bench/${id}`, body: { b: '{{ trigger.bench }}', step: id } },
});

export function standardWorkflow(sink: string) {
  return {
    name: 'bench: standard workload',
    description: 'A KRI breach, three webhooks, then a KRI event back into the risk model.',
    triggers: [{ type: 'kri_breach', kri: benchKri }],
    emits: ['bench_done'],
    steps: [
      hook(sink, 'one'),
      hook(sink, 'two'),
      hook(sink, 'three'),
      {
        id: 'record',
        type: 'emit_kri',
        emit_kri: { event: 'bench_done', kri: benchKri, value: '{{ trigger.value }}' },
      },
    ],
  };
}

export interface BenchTenant {
  id: string;
  name: string;
  workflowId: string;
}

async function expectStatus(answer: Promise<{ status: number; text: string }>, ok: number[], what: string) {
  const { status, text } = await answer;
  if (!ok.includes(status)) throw new Error(`${what}: ${status} ${text}`);
}

/** Create `count` tenants, each with the KRI, its event definition and the standard workflow active. */
export async function setUpTenants(platform: Platform, sink: string, count: number): Promise<BenchTenant[]> {
  const tenants: BenchTenant[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = `bench-${i}`;
    const key = await createTenant(platform.env, name);
    const api = apiClient(
      () => platform.gatewayUrl,
      () => key,
    );
    await expectStatus(
      api('PUT', `/api/kris/${benchKri}`, { body: { name: 'Bench KRI' } }),
      [200, 201],
      'KRI',
    );
    await expectStatus(
      api('PUT', '/api/workflow-kri-definitions/bench-done', {
        body: { event: 'bench_done', kri: benchKri, effect: 'decrement', amount: 1 },
      }),
      [200, 201],
      'KRI event definition',
    );
    const created = await api('POST', '/api/workflows', { body: standardWorkflow(sink) });
    if (created.status !== 201) throw new Error(`workflow: ${created.status} ${created.text}`);
    const workflowId = created.body.id as string;
    await expectStatus(api('POST', `/api/workflows/${workflowId}/activate`), [200], 'activate');
    await waitFor(
      async () => ((await api('GET', '/api/trigger-stats')).body?.activeWorkflows as number) >= 1,
      30_000,
      'the trigger index to have the bench workflow',
    );
    const [row] = await platform.db.query<{ id: string }>(`select id from gateway.tenants where name = $1`, [
      name,
    ]);
    if (!row) throw new Error(`tenant ${name} not found`);
    tenants.push({ id: row.id, name, workflowId });
  }
  return tenants;
}
