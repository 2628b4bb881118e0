/**
 * Tenant isolation over the whole API: tenant A's admin calls every `/api` route that takes an id with
 * tenant B's ids (its workflow, version, run, approval, KRI, KRI definition, remediation action, API key,
 * preview link, interview, relay destination) and is told 404 (or, for a PUT that names a resource, makes
 * its own); B's records are unchanged afterwards; none of B's ids appears in anything A can list; and a
 * tenant id smuggled into the query, a header or a body changes nothing.
 */
import { apiClient, createTenant, usePlatform, waitFor, type Api } from '@riskloop/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessMatrix } from '../services/gateway/src/routes/access-matrix.ts';

const e2e = usePlatform();
const a = e2e.api;
let b: Api;
let bTenant: string;
/** B's ids by route parameter, per route prefix where one name means different things. */
const ids: Record<string, string> = {};

const ok = <T extends { status: number; text: string }>(answer: T, what: string): T => {
  expect(answer.status, `${what}: ${answer.text}`).toBeLessThan(300);
  return answer;
};

beforeAll(async () => {
  const key = await createTenant(e2e.platform.env, 'globex');
  b = apiClient(
    () => e2e.platform.gatewayUrl,
    () => key,
  );
  const [tenant] = await e2e.platform.db.query<{ id: string }>(
    `select id from gateway.tenants where name = 'globex'`,
  );
  bTenant = tenant!.id;

  ok(
    await b('PUT', '/api/relay-config', {
      body: {
        destinations: {
          automation: { type: 'webhook', settings: { url: `${e2e.sink.url}/automation` } },
        },
      },
    }),
    'B relay config',
  );
  ok(
    await b('PUT', '/api/remediation-actions/isolate_host', {
      body: {
        destination: 'automation',
        path: '/isolate',
        input_schema: { type: 'object', properties: { host: { type: 'string' } } },
      },
    }),
    'B remediation action',
  );
  ok(await b('PUT', '/api/kris/b_secret_kri', { body: { name: 'B only' } }), 'B KRI');
  ok(
    await b('PUT', '/api/workflow-kri-definitions/b-definition', {
      body: { event: 'b_event', kri: 'b_secret_kri', effect: 'increment', amount: 1 },
    }),
    'B KRI definition',
  );
  const workflow = ok(
    await b('POST', '/api/workflows', {
      body: {
        name: 'B private workflow',
        triggers: [{ type: 'manual' }],
        steps: [
          { id: 'hold', type: 'approval', approval: { approvers: [{ user: 'bob' }], timeout: '2h' } },
          { id: 'after', type: 'webhook', webhook: { url: `${e2e.sink.url}/b-after` } },
        ],
      },
    }),
    'B workflow',
  );
  ids.workflow = workflow.body.id as string;
  ok(await b('POST', `/api/workflows/${ids.workflow}/activate`), 'B activate');
  const run = ok(await b('POST', `/api/workflows/${ids.workflow}/run`, { body: {} }), 'B run');
  ids.run = run.body.runId as string;
  ids.approval = await waitFor(
    async () => {
      const view = await b('GET', `/api/runs/${ids.run}`);
      return (view.body.approvals as { id: string }[] | undefined)?.[0]?.id;
    },
    30_000,
    "B's approval to open",
  );
  const link = ok(await b('POST', `/api/workflows/${ids.workflow}/preview-links`, { body: {} }), 'B link');
  ids.link = link.body.id as string;
  const apiKey = ok(
    await b('POST', '/api/api-keys', { body: { name: 'b-bot', role: 'operator' } }),
    'B api key',
  );
  ids.key = apiKey.body.keyId as string;
  const interview = ok(
    await b('POST', '/api/workflow-interviews', { body: { goal: 'B secret goal' } }),
    'B interview',
  );
  ids.interview = interview.body.id as string;
}, 120_000);

/** The route path with B's ids in it. */
function withBIds(path: string): string {
  return path
    .replace('/api/workflows/:id', `/api/workflows/${ids.workflow}`)
    .replace('/api/approvals/:id', `/api/approvals/${ids.approval}`)
    .replace('/api/workflow-interviews/:id', `/api/workflow-interviews/${ids.interview}`)
    .replace('/api/kris/:id', '/api/kris/b_secret_kri')
    .replace('/api/workflow-kri-definitions/:id', '/api/workflow-kri-definitions/b-definition')
    .replace('/api/remediation-actions/:name', '/api/remediation-actions/isolate_host')
    .replace('/api/relay-config/destinations/:name', '/api/relay-config/destinations/automation')
    .replace(':runId', ids.run!)
    .replace(':keyId', ids.key!)
    .replace(':linkId', ids.link!)
    .replace(':n', '1')
    .replace(':name', 'report.pdf');
}

/** PUTs that name a resource in the caller's own tenant: A gets its own, B's is untouched. */
const upserts = new Set([
  'PUT /api/kris/:id',
  'PUT /api/workflow-kri-definitions/:id',
  'PUT /api/remediation-actions/:name',
]);

/** Bodies valid enough to pass validation, so that the answer is about the id. */
const bodies: Record<string, unknown> = {
  'PUT /api/workflows/:id': {
    reason: 'taking it over',
    definition: {
      name: 'hijacked',
      triggers: [{ type: 'manual' }],
      steps: [{ id: 'call', type: 'webhook', webhook: { url: 'https://hooks.example.test/x' } }],
    },
  },
  'POST /api/approvals/:id/decisions': { decision: 'approve', comment: 'not mine to approve' },
  'POST /api/workflow-interviews/:id/messages': { text: 'hello' },
};

/** The state of B's records that A's calls must not change. */
async function bState() {
  const workflow = await b('GET', `/api/workflows/${ids.workflow}`);
  const run = await b('GET', `/api/runs/${ids.run}`);
  const approval = await b('GET', `/api/approvals/${ids.approval}`);
  const kri = await b('GET', '/api/kris/b_secret_kri');
  const definition = await b('GET', '/api/workflow-kri-definitions/b-definition');
  const action = await b('GET', '/api/remediation-actions/isolate_host');
  const links = await b('GET', `/api/workflows/${ids.workflow}/preview-links`);
  const keys = await b('GET', '/api/api-keys');
  const interview = await b('GET', `/api/workflow-interviews/${ids.interview}`);
  return {
    workflow: [workflow.body.status, workflow.body.version],
    run: run.body.status,
    approval: [approval.body.status, (approval.body.decisions as unknown[]).length],
    kri: kri.body.name,
    definition: definition.body.version,
    action: action.body.version,
    links: (links.body.items as { id: string; state: string }[]).map((l) => [l.id, l.state]),
    keys: (keys.body.items as { id: string; revokedAt?: string }[]).map((k) => [k.id, k.revokedAt ?? null]),
    interview: interview.body.status,
  };
}

describe('tenant A with tenant B ids', () => {
  it("lists none of B's ids or names anywhere A can list", async () => {
    const lists = Object.keys(accessMatrix)
      .filter((key) => key.startsWith('GET ') && !key.includes('/:'))
      .map((key) => key.slice(4));
    const secrets = [bTenant, ids.workflow!, ids.run!, ids.approval!, ids.link!, ids.key!, ids.interview!];
    const names = [
      'B private workflow',
      'b_secret_kri',
      'b-definition',
      'isolate_host',
      'b-bot',
      'B secret goal',
    ];
    const seen: string[] = [];
    for (const path of lists) {
      const answer = await a('GET', path.includes('approvals') ? `${path}?scope=all` : path);
      for (const s of [...secrets, ...names]) if (answer.text.includes(s)) seen.push(`${path} shows ${s}`);
    }
    expect(lists.length).toBeGreaterThan(8);
    expect(seen, seen.join('\n')).toEqual([]);
  });

  it('is told 404 on every route that takes an id, and changes nothing of B', async () => {
    const before = await bState();
    expect(before.run).toBe('running');
    const routes = Object.keys(accessMatrix).filter((key) => key.includes('/:'));
    expect(routes.length).toBeGreaterThan(35);
    const leaks: string[] = [];
    for (const route of routes) {
      const [method, path] = route.split(' ') as [string, string];
      const answer = await a(method, withBIds(path), method === 'GET' ? {} : { body: bodies[route] ?? {} });
      if (upserts.has(route)) continue; // checked below: B's record is unchanged
      if (answer.status !== 404 || !answer.text.includes('problem') || answer.text.includes(bTenant))
        leaks.push(`${route}: ${answer.status} ${answer.text.slice(0, 200)}`);
    }
    expect(leaks, leaks.join('\n')).toEqual([]);
    expect(await bState()).toEqual(before);
  }, 120_000);

  it('ignores a tenant id smuggled into the query, headers or body', async () => {
    const smuggled = {
      'x-tenant-id': bTenant,
      'x-riskloop-tenant': bTenant,
      'ce-tenantid': bTenant,
      forwarded: `for=1.2.3.4;tenant=${bTenant}`,
    };
    const list = await a('GET', `/api/workflows?tenant=${bTenant}&tenantId=${bTenant}`, {
      headers: smuggled,
    });
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(ids.workflow!);

    const run = await a('GET', `/api/runs/${ids.run}?tenantId=${bTenant}`, { headers: smuggled });
    expect(run.status).toBe(404);

    const created = await a('POST', '/api/workflows', {
      headers: smuggled,
      body: {
        name: 'A workflow with B smuggled in',
        triggers: [{ type: 'manual' }],
        steps: [{ id: 'call', type: 'webhook', webhook: { url: `${e2e.sink.url}/a` } }],
      },
    });
    expect(created.status, created.text).toBe(201);
    expect((await a('GET', `/api/workflows/${created.body.id as string}`)).status).toBe(200);
    expect((await b('GET', `/api/workflows/${created.body.id as string}`)).status).toBe(404);

    const withTenantInBody = await a('POST', '/api/workflows', {
      body: { tenantId: bTenant, name: 'x', triggers: [{ type: 'manual' }], steps: [] },
    });
    expect(withTenantInBody.status).toBe(422);
    expect(withTenantInBody.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('tenantId') })]),
    );
  });
});
