/**
 * The registry through the public API: immutable versions with reasons, lifecycle with 409s, the change
 * log, listing with filters and cursors, YAML in and out, dry runs, and runs pinned to their version.
 */
import { usePlatform, waitFor } from '@riskloop/testkit';
import { invalidDefinitions } from '@riskloop/definitions/testing';
import { describe, expect, it } from 'vitest';

const e2e = usePlatform({ services: ['registry', 'trigger-router', 'runner', 'relay', 'gateway'] });

const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  e2e.api(method, path, { body, headers });

const webhookWorkflow = (name: string, path = '/hook', tags: string[] = []) => ({
  name,
  tags,
  triggers: [{ type: 'manual' }],
  steps: [{ id: 'call', type: 'webhook', webhook: { url: `${e2e.sink.url}${path}`, body: { from: name } } }],
});

describe('versions and the change log', () => {
  it('makes every edit a new immutable version with its reason, actor and diff', async () => {
    const created = await api('POST', '/api/workflows', webhookWorkflow('versioned'));
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const id = created.body.id as string;

    const missingReason = await api('PUT', `/api/workflows/${id}`, {
      definition: webhookWorkflow('versioned v2'),
    });
    expect(missingReason.status).toBe(422);
    expect(missingReason.body.errors).toContainEqual({
      path: 'reason',
      message: expect.stringContaining('reason'),
    });

    const updated = await api(
      'PUT',
      `/api/workflows/${id}`,
      { reason: 'rename for the audit', definition: webhookWorkflow('versioned v2') },
      { 'if-match': '"1"' },
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'versioned v2', latestVersion: 2, status: 'draft' });

    const stale = await api(
      'PUT',
      `/api/workflows/${id}`,
      { reason: 'edit from an old tab', definition: webhookWorkflow('v3') },
      { 'if-match': '"1"' },
    );
    expect(stale.status).toBe(412);

    const versions = await api('GET', `/api/workflows/${id}/versions`);
    expect(versions.body.items.map((v: any) => [v.version, v.reason])).toEqual([
      [1, null],
      [2, 'rename for the audit'],
    ]);
    const v1 = await api('GET', `/api/workflows/${id}/versions/1`);
    expect(v1.body.definition.name).toBe('versioned');
    expect((await api('GET', `/api/workflows/${id}/versions/9`)).status).toBe(404);

    const log = await api('GET', `/api/workflows/${id}/change-log`);
    const [first, second] = log.body.items;
    expect(first).toMatchObject({ version: 1, action: 'created', actor: expect.stringMatching(/^key:/) });
    expect(second).toMatchObject({ version: 2, action: 'updated', reason: 'rename for the audit' });
    expect(second.diff).toContainEqual({
      type: 'CHANGE',
      path: ['name'],
      value: 'versioned v2',
      oldValue: 'versioned',
    });
  });

  it('accepts and returns YAML', async () => {
    const yaml = `name: from yaml\ntriggers:\n  - type: manual\nsteps:\n  - id: call\n    type: webhook\n    webhook:\n      url: ${e2e.sink.url}/yaml\n`;
    const created = await api('POST', '/api/workflows', yaml, { 'content-type': 'application/yaml' });
    expect(created.status).toBe(201);
    const asYaml = await api('GET', `/api/workflows/${created.body.id as string}/versions/1`, undefined, {
      accept: 'application/yaml',
    });
    expect(asYaml.type).toContain('application/yaml');
    expect(asYaml.text).toContain('name: from yaml');

    const bad = await api('POST', '/api/workflows', 'name: [unclosed', {
      'content-type': 'application/yaml',
    });
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
  });
});

describe('lifecycle', () => {
  it('moves draft -> active -> paused -> active -> archived, refusing the rest with 409', async () => {
    const id = (await api('POST', '/api/workflows', webhookWorkflow('lifecycle'))).body.id as string;
    expect((await api('POST', `/api/workflows/${id}/pause`)).status).toBe(409);
    expect((await api('POST', `/api/workflows/${id}/activate`)).body.status).toBe('active');
    expect((await api('POST', `/api/workflows/${id}/pause`, { reason: 'change freeze' })).body.status).toBe(
      'paused',
    );
    const runWhilePaused = await api('POST', `/api/workflows/${id}/run`, {});
    expect(runWhilePaused.status).toBe(409);
    expect((await api('POST', `/api/workflows/${id}/activate`)).body.status).toBe('active');
    expect((await api('POST', `/api/workflows/${id}/archive`)).body.status).toBe('archived');

    const again = await api('POST', `/api/workflows/${id}/activate`);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('archived');
    const edit = await api('PUT', `/api/workflows/${id}`, {
      reason: 'x',
      definition: webhookWorkflow('nope'),
    });
    expect(edit.status).toBe(409);

    const log = await api('GET', `/api/workflows/${id}/change-log`);
    expect(log.body.items.map((e: any) => e.action)).toEqual([
      'created',
      'activated',
      'paused',
      'activated',
      'archived',
    ]);
    expect(log.body.items[2].reason).toBe('change freeze');
  });
});

describe('listing', () => {
  it('filters by name, status and tag, and pages with a cursor', async () => {
    for (let i = 0; i < 5; i += 1)
      await api('POST', '/api/workflows', webhookWorkflow(`paged ${i}`, '/hook', ['paged']));
    const active = (
      await api('POST', '/api/workflows', webhookWorkflow('paged active', '/hook', ['paged', 'sox']))
    ).body.id as string;
    await api('POST', `/api/workflows/${active}/activate`);

    const first = await api('GET', '/api/workflows?tag=paged&limit=4');
    expect(first.body.items).toHaveLength(4);
    expect(first.body.nextCursor).toBeDefined();
    const second = await api(
      'GET',
      `/api/workflows?tag=paged&limit=4&cursor=${first.body.nextCursor as string}`,
    );
    expect(second.body.items).toHaveLength(2);
    expect(second.body.nextCursor).toBeUndefined();
    const names = [...first.body.items, ...second.body.items].map((w: any) => w.name);
    expect(new Set(names).size).toBe(6);

    expect((await api('GET', '/api/workflows?tag=sox')).body.items.map((w: any) => w.id)).toEqual([active]);
    const activeOnes = await api('GET', '/api/workflows?status=active&name=paged');
    expect(activeOnes.body.items.map((w: any) => w.id)).toEqual([active]);
    expect((await api('GET', '/api/workflows?status=sleeping')).status).toBe(422);
    expect((await api('GET', '/api/workflows?cursor=forged')).status).toBe(422);
  });
});

describe('dry run', () => {
  it('predicts the path, renders parameters and lists KRI events, calling nothing', async () => {
    const definition = {
      name: 'dry',
      triggers: [
        { type: 'event', event: 'scan.result', condition: 'trigger.severity in ["high", "critical"]' },
      ],
      emits: ['patch_applied'],
      steps: [
        {
          id: 'page',
          type: 'webhook',
          if: 'trigger.severity == "critical"',
          webhook: { url: `${e2e.sink.url}/dry`, body: { sev: '{{ trigger.severity }}' } },
        },
        {
          id: 'ticket',
          type: 'webhook',
          webhook: { url: `${e2e.sink.url}/dry`, body: { title: 'Fix {{ trigger.cve }}' } },
        },
        {
          id: 'emit',
          type: 'emit_kri',
          emit_kri: { event: 'patch_applied', kri: 'critical_cves_unpatched', value: 1 },
        },
      ],
    };
    const before = e2e.sink.requests.length;
    const report = await api('POST', '/api/workflows/dry-run', {
      definition,
      payload: { severity: 'high', cve: 'CVE-2026-1' },
    });
    expect(report.status).toBe(200);
    expect(report.body.wouldStart).toBe(true);
    expect(report.body.steps.map((s: any) => [s.id, s.decision])).toEqual([
      ['page', 'skipped'],
      ['ticket', 'run'],
      ['emit', 'run'],
    ]);
    expect(report.body.steps[1].input.body).toEqual({ title: 'Fix CVE-2026-1' });
    expect(report.body.emits).toEqual([
      { step: 'emit', event: 'patch_applied', kri: 'critical_cves_unpatched', value: 1 },
    ]);

    const low = await api('POST', '/api/workflows/dry-run', { definition, payload: { severity: 'low' } });
    expect(low.body.wouldStart).toBe(false);
    expect(low.body.triggers[0]).toMatchObject({ matches: false });

    const stored = (await api('POST', '/api/workflows', definition)).body.id as string;
    const storedReport = await api('POST', `/api/workflows/${stored}/dry-run`, {
      payload: { severity: 'critical', cve: 'CVE-2' },
    });
    expect(storedReport.body.steps[0]).toMatchObject({
      id: 'page',
      decision: 'run',
      input: { body: { sev: 'critical' } },
    });
    expect(e2e.sink.requests.length).toBe(before);
  });
});

describe('version pinning', () => {
  it('finishes a run on the version it started with; new runs take the new active version', async () => {
    e2e.sink.respond((r) => (r.path === '/slow-v1' ? { delayMs: 1_500 } : {}));
    const id = (await api('POST', '/api/workflows', webhookWorkflow('pinned', '/slow-v1'))).body.id as string;
    await api('POST', `/api/workflows/${id}/activate`);
    const first = (await api('POST', `/api/workflows/${id}/run`, {})).body.runId as string;
    await waitFor(() => e2e.sink.requests.some((r) => r.path === '/slow-v1'), 30_000, 'v1 to call');

    const v2 = await api('PUT', `/api/workflows/${id}`, {
      reason: 'new endpoint',
      definition: webhookWorkflow('pinned', '/fast-v2'),
    });
    expect(v2.body).toMatchObject({ latestVersion: 2, activeVersion: 2, status: 'active' });
    const second = (await api('POST', `/api/workflows/${id}/run`, {})).body.runId as string;

    const done = async (runId: string) => {
      const r = await api('GET', `/api/runs/${runId}`);
      return r.body.status === 'succeeded' ? r.body : undefined;
    };
    const run1 = await waitFor(() => done(first), 30_000, 'run 1');
    const run2 = await waitFor(() => done(second), 30_000, 'run 2');
    expect(run1.workflowVersion).toBe(1);
    expect(run1.steps[0].input.url).toContain('/slow-v1');
    expect(run2.workflowVersion).toBe(2);
    expect(run2.steps[0].input.url).toContain('/fast-v2');
    e2e.sink.respond({});
  });
});

describe('bad definitions through the API', () => {
  it.each(invalidDefinitions)('422 for %s, naming the field', async (_title, input, errors) => {
    const response = await api('POST', '/api/workflows', input);
    expect(response.status).toBe(422);
    expect(response.type).toContain('application/problem+json');
    expect(response.body.errors).toEqual(errors);
  });

  it('refuses a YAML bomb and a 10 MB body quickly, creating nothing', async () => {
    const before = (await api('GET', '/api/workflows?limit=200')).body.items.length as number;
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefghi'.split('').map(
        (k, i) =>
          `${k}: &${k} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(',')}]`,
      ),
    ].join('\n');
    const refused = await api('POST', '/api/workflows', `${bomb}\nname: boom\n`, {
      'content-type': 'application/yaml',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('bad_yaml');
    const huge = await api('POST', '/api/workflows', JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect((await api('GET', '/api/workflows?limit=200')).body.items.length).toBe(before);
  });

  it('serves the definition language as JSON Schema', async () => {
    const schema = await api('GET', '/api/schemas/workflow-definition');
    expect(schema.status).toBe(200);
    expect(schema.body.$schema).toContain('2020-12');
    expect(schema.text).toContain('"const":"approval"');
  });
});
