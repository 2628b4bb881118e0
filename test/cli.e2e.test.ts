/**
 * The operator CLI against a running platform, as a process over HTTP: `workflow history`, `workflow
 * metrics --step-timing`, `run show`, `workflow export` then `import` (the same definition back), the key
 * from a config file, a missing key, and an HTTP error's problem detail.
 */
import { parseYaml } from '@riskloop/definitions';
import { runScript, usePlatform, waitFor } from '@riskloop/testkit';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const e2e = usePlatform({
  services: ['registry', 'trigger-router', 'runner', 'relay', 'kri-emitter', 'gateway'],
});

// Each CLI call is a new Node process compiling TypeScript (a few seconds on a busy 2-core machine), and
// some tests make five of them.
const slow = 180_000;

const dir = mkdtempSync(join(tmpdir(), 'riskloop-cli-e2e-'));

/** The CLI with the gateway's URL and key in the environment, and a home with no config file. */
const cli = (args: string[], env: Record<string, string> = {}) =>
  runScript('services/gateway/src/cli/main.ts', args, {
    HOME: dir,
    RISKLOOP_CONFIG: '',
    RISKLOOP_URL: e2e.platform.gatewayUrl,
    RISKLOOP_API_KEY: e2e.apiKey,
    ...env,
  });

const cliJson = async (args: string[]) => {
  const result = await cli([...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
};

const definition = (sink: string) => ({
  name: 'Tell the control owner, then the ticketing system',
  triggers: [{ type: 'manual' }],
  steps: [
    { id: 'notify', type: 'webhook', webhook: { url: `${sink}/notify`, body: { run: '{{ run.id }}' } } },
    {
      id: 'ticket',
      type: 'webhook',
      retry: { attempts: 1 },
      webhook: { url: `${sink}/ticket`, body: { fail: '{{ trigger.fail }}' } },
    },
  ],
});

let workflowId = '';
const runIds: string[] = [];
let failedRunId = '';

async function runToEnd(fail: boolean): Promise<string> {
  const started = await e2e.api('POST', `/api/workflows/${workflowId}/run`, { body: { fail } });
  expect(started.status, started.text).toBe(202);
  const runId = started.body.runId as string;
  await waitFor(
    async () => ['succeeded', 'failed'].includes((await e2e.api('GET', `/api/runs/${runId}`)).body?.status),
    30_000,
    `run ${runId} to finish`,
  );
  return runId;
}

beforeAll(async () => {
  // The ticketing system is down for the run that says so.
  e2e.sink.respond((r) =>
    r.path === '/ticket' && (r.json as { fail?: boolean } | undefined)?.fail === true
      ? { status: 500, body: { error: 'ticketing is down' } }
      : {},
  );
  const created = await e2e.api('POST', '/api/workflows', { body: definition(e2e.sink.url) });
  expect(created.status, created.text).toBe(201);
  workflowId = created.body.id as string;
  expect((await e2e.api('POST', `/api/workflows/${workflowId}/activate`)).status).toBe(200);
  for (const fail of [false, true, false]) runIds.push(await runToEnd(fail));
  failedRunId = runIds[1] as string;
}, 120_000);

describe('workflow history', { timeout: slow }, () => {
  it('lists the runs newest first, filtered by status and cut at the limit', async () => {
    const all = await cliJson(['workflow', 'history', workflowId]);
    expect(all.runs.map((r: { id: string }) => r.id)).toEqual([...runIds].reverse());
    expect(all.runs.map((r: { status: string }) => r.status)).toEqual(['succeeded', 'failed', 'succeeded']);
    expect(all.more).toBe(false);

    const failed = await cliJson(['workflow', 'history', workflowId, '--status', 'failed']);
    expect(failed.runs).toHaveLength(1);
    expect(failed.runs[0]).toMatchObject({ id: failedRunId, status: 'failed', workflowVersion: 1 });

    const two = await cliJson(['workflow', 'history', workflowId, '--limit', '2']);
    expect(two.runs).toHaveLength(2);
    expect(two.more).toBe(true);
  });

  it('prints a table by default', async () => {
    const result = await cli(['workflow', 'history', workflowId]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^RUN\s+STATUS\s+VERSION\s+STARTED\s+FINISHED\s+DURATION\s+ERROR$/);
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.startsWith(failedRunId))).toMatch(/failed\s+v1\s/);
  });
});

describe('workflow metrics', { timeout: slow }, () => {
  it('counts runs by status, and per step the executions, failures and durations', async () => {
    const m = await cliJson(['workflow', 'metrics', workflowId, '--since', '1h', '--step-timing']);
    expect(m).toMatchObject({
      workflowId,
      runs: 3,
      more: false,
      byStatus: { succeeded: 2, failed: 1, cancelled: 0, running: 0, queued: 0 },
    });
    expect(m.successRate).toBeCloseTo(2 / 3);
    expect(m.durationMs.p50).toBeGreaterThan(0);
    expect(m.durationMs.max).toBeGreaterThanOrEqual(m.durationMs.p95);
    expect(m.steps).toEqual([
      expect.objectContaining({ step: 'notify', count: 3, failures: 0, skipped: 0 }),
      expect.objectContaining({ step: 'ticket', count: 3, failures: 1, skipped: 0 }),
    ]);
    for (const step of m.steps) expect(step.p95Ms).toBeGreaterThanOrEqual(step.p50Ms);
  });

  it('prints a summary and a step table by default', async () => {
    const result = await cli(['workflow', 'metrics', workflowId, '--step-timing']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/status\s+2 succeeded, 1 failed/);
    expect(result.stdout).toMatch(/success\s+66\.7%/);
    expect(result.stdout).toMatch(/^ticket\s+3\s+1\s+0\s/m);
  });
});

describe('run show', { timeout: slow }, () => {
  it('gives the failed run with each step, its error and the KRI events', async () => {
    const run = await cliJson(['run', 'show', failedRunId]);
    expect(run).toMatchObject({
      id: failedRunId,
      workflowId,
      workflowVersion: 1,
      status: 'failed',
      trigger: { type: 'manual', payload: { fail: true } },
      path: ['notify', 'ticket'],
      kriEvents: [],
    });
    expect(run.approvals ?? []).toEqual([]);
    expect(run.steps[0]).toMatchObject({ id: 'notify', status: 'succeeded', attempts: 1 });
    expect(run.steps[1]).toMatchObject({ id: 'ticket', status: 'failed', attempts: 1 });
    expect(run.steps[1].error.message).toBeTruthy();
  });

  it('prints the run and a step table by default', async () => {
    const result = await cli(['run', 'show', failedRunId]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^status\s+failed/m);
    expect(result.stdout).toMatch(/^path\s+notify -> ticket$/m);
    expect(result.stdout).toMatch(/^ticket\s+webhook\s+failed\s+1/m);
  });
});

describe('workflow export and import', { timeout: slow }, () => {
  it('exports the definition as YAML and imports it back unchanged', async () => {
    const file = join(dir, 'exported.yaml');
    const exported = await cli(['workflow', 'export', workflowId, '--out', file]);
    expect(exported.code, exported.stderr).toBe(0);
    const yaml = readFileSync(file, 'utf8');
    const stored = (await e2e.api('GET', `/api/workflows/${workflowId}`)).body.definition;
    expect(parseYaml(yaml)).toEqual(stored);

    const imported = await cliJson(['workflow', 'import', file]);
    expect(imported).toMatchObject({ version: 1, status: 'draft', name: stored.name });
    expect(imported.id).not.toBe(workflowId);
    const back = await e2e.api('GET', `/api/workflows/${imported.id}`);
    expect(back.body.definition).toEqual(stored);
    // Printed to stdout without --out: the same YAML.
    expect((await cli(['workflow', 'export', imported.id])).stdout).toBe(yaml);
  });

  it('imports a new version of a workflow with its reason (live at once on an active workflow)', async () => {
    const file = join(dir, 'v2.json');
    const changed = { ...definition(e2e.sink.url), description: 'now with a description' };
    writeFileSync(file, JSON.stringify(changed));
    const refused = await cli(['workflow', 'import', file, '--id', workflowId]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--reason is required/);

    const newVersion = (reason: string, ...more: string[]) =>
      cliJson(['workflow', 'import', file, '--id', workflowId, '--reason', reason, ...more]);
    const v2 = await newVersion('say what it does');
    expect(v2).toMatchObject({ id: workflowId, version: 2, status: 'active', activeVersion: 2 });
    // Already live: --activate has nothing to do (and must not make the activation a 409).
    const activated = await newVersion('again, live', '--activate');
    expect(activated).toMatchObject({ version: 3, status: 'active', activeVersion: 3 });
    const version1 = await cli(['workflow', 'export', workflowId, '--version', '1']);
    expect(parseYaml(version1.stdout)).not.toHaveProperty('description');
    const versions = await e2e.api('GET', `/api/workflows/${workflowId}/versions`);
    expect(JSON.stringify(versions.body)).toContain('say what it does');
  });

  it('activates an imported workflow, or an imported version of a draft, with --activate', async () => {
    const file = join(dir, 'exported.yaml');
    const live = await cliJson(['workflow', 'import', file, '--activate']);
    expect(live).toMatchObject({ version: 1, status: 'active', activeVersion: 1 });

    const draft = await cliJson(['workflow', 'import', file]);
    expect(draft).toMatchObject({ version: 1, status: 'draft', activeVersion: null });
    const next = await cliJson([
      'workflow',
      'import',
      file,
      '--id',
      draft.id,
      '--reason',
      'go',
      '--activate',
    ]);
    expect(next).toMatchObject({ id: draft.id, version: 2, status: 'active', activeVersion: 2 });
  });
});

describe('connection and errors', { timeout: slow }, () => {
  it('reads the URL and key from the config file when the environment has none', async () => {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ url: e2e.platform.gatewayUrl, apiKey: e2e.apiKey }));
    const result = await cli(['workflow', 'history', workflowId, '--json'], {
      RISKLOOP_CONFIG: config,
      RISKLOOP_URL: '',
      RISKLOOP_API_KEY: '',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).runs).toHaveLength(3);
  });

  it('stops with a clear error when there is no API key', async () => {
    const result = await cli(['workflow', 'history', workflowId], { RISKLOOP_API_KEY: '' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no API key: set RISKLOOP_API_KEY/);
  });

  it("prints the problem's detail and exits 1 on an HTTP error", async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const result = await cli(['run', 'show', unknown]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`GET /api/runs/${unknown} answered 404: .*not found`));
    const wrongKey = await cli(['workflow', 'history', workflowId], { RISKLOOP_API_KEY: 'rlk_wrong' });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/answered 401/);
  });
});
