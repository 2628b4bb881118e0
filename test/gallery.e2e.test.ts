/**
 * Every example workflow of the product documents (examples/) goes through the real platform: created
 * from its YAML, dry-run with its sample payload, activated, and run. A run reaches an end either way:
 * it succeeds (or a `terminate` step ends it), or it fails the first step of a kind this build cannot
 * execute yet with a clear error; it never hangs.
 */
import { usePlatform, waitFor } from '@riskloop/testkit';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';

const e2e = usePlatform({ services: ['registry', 'trigger-router', 'runner', 'relay', 'gateway'] });

const examples = fileURLToPath(new URL('../examples/', import.meta.url));
const files = readdirSync(examples).filter((f) => f.endsWith('.yaml'));

const api = async (method: string, path: string, body?: string, type = 'application/json') =>
  (await e2e.api(method, path, { body, headers: { 'content-type': type } })) as { status: number; body: any };

const sample = (file: string, suffix: string): Record<string, unknown> => {
  const path = `${examples}samples/${file.replace(/\.yaml$/, suffix)}`;
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
};

/** The examples call `*.example` hosts; here those calls go to a local sink instead. */
const local = (yaml: string) => yaml.replace(/https?:\/\/[a-z0-9.-]+\.example(?=[/'"\s]|$)/g, e2e.sink.url);

/**
 * Remediation steps name actions the tenant registers first (a workflow naming an unregistered one is not
 * saved): each action the examples use is registered against a webhook destination that is the sink.
 */
beforeAll(async () => {
  const actions = new Set(
    files.flatMap((f) =>
      [...readFileSync(`${examples}${f}`, 'utf8').matchAll(/remediation:\s+action: ([a-z0-9_]+)/g)].map(
        (m) => m[1]!,
      ),
    ),
  );
  const config = await api(
    'PUT',
    '/api/relay-config',
    JSON.stringify({
      // Two webhook destinations, so that neither becomes the default of the examples' own webhook steps.
      destinations: {
        automation: { type: 'webhook', settings: { url: `${e2e.sink.url}/automation` } },
        automation_standby: { type: 'webhook', settings: { url: `${e2e.sink.url}/standby` } },
      },
    }),
  );
  expect(config.status).toBe(200);
  for (const action of actions) {
    const put = await api(
      'PUT',
      `/api/remediation-actions/${action}`,
      JSON.stringify({ destination: 'automation', path: `/${action}`, input_schema: { type: 'object' } }),
    );
    expect(put.status).toBe(201);
  }
  expect(actions.size).toBeGreaterThanOrEqual(3);
});

it.each(files)('%s: created, dry-run, activated and run through the API', async (file) => {
  const created = await api(
    'POST',
    '/api/workflows',
    local(readFileSync(`${examples}${file}`, 'utf8')),
    'application/yaml',
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;

  const payload = sample(file, '.json');
  const report = await api(
    'POST',
    `/api/workflows/${id}/dry-run`,
    JSON.stringify({ payload, outputs: sample(file, '.outputs.json') }),
  );
  expect(report.status).toBe(200);
  expect(report.body.steps.length).toBeGreaterThan(0);

  expect((await api('POST', `/api/workflows/${id}/activate`, '{}')).body.status).toBe('active');
  const started = await api('POST', `/api/workflows/${id}/run`, JSON.stringify(payload));
  expect(started.status).toBe(202);

  const run = await waitFor(
    async () => {
      const r = await api('GET', `/api/runs/${started.body.runId as string}`);
      return ['succeeded', 'failed', 'cancelled'].includes(r.body.status as string) ? r.body : undefined;
    },
    30_000,
    `a run of ${file} to end`,
  );
  expect(run.workflowVersion).toBe(1);
  if (run.status === 'failed') {
    // The step that failed first with its own error (a branch or parallel around it fails without one).
    const failed = run.steps.find((s: any) => s.status === 'failed' && s.error);
    if (failed.error.code === 'step_kind_unavailable') {
      expect(failed.error.message).toContain(`${failed.type as string} steps cannot run yet`);
    } else {
      // A relay step of a tenant with no relay config fails saying what to configure.
      expect(['destination_not_configured', 'unknown_recipient']).toContain(failed.error.code);
      expect(failed.error.message).toMatch(/relay config|owner/);
    }
  }
});
