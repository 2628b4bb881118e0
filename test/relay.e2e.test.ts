/**
 * The relay end to end: a tenant's relay config over the API (credentials sealed, masked, checked by the
 * SSRF guard), a run whose steps reach local servers that speak Slack, Jira, SMTP, PagerDuty and a signed
 * webhook, the deliveries on the run, one effect for a redelivered command, key rotation through the CLI,
 * and a canary secret that never shows up in an answer, a log line or a stored message.
 */
import { generateMasterKey } from '@riskloop/crypto';
import {
  fakeDestinations,
  redeliverRelayCommand,
  runScript,
  startJiraFake,
  startPagerDutyFake,
  startSlackFake,
  startSmtpFake,
  usePlatform,
  waitFor,
  type JiraFake,
  type PagerDutyFake,
  type SlackFake,
  type SmtpFake,
} from '@riskloop/testkit';
import type { Msg, Subscription } from '@nats-io/transport-node';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const canary = 'xoxb-CANARY-5e1f0c7d2a9b';
const jiraCanary = 'jira-CANARY-83c2b1d0';
let slack: SlackFake;
let jira: JiraFake;
let smtp: SmtpFake;
let pagerduty: PagerDutyFake;

beforeAll(async () => {
  [slack, jira, smtp, pagerduty] = await Promise.all([
    startSlackFake(canary),
    startJiraFake('bot@example.com', jiraCanary),
    startSmtpFake(),
    startPagerDutyFake(),
  ]);
});
afterAll(async () => {
  await Promise.all([slack, jira, smtp, pagerduty].map((s) => s.close()));
});

const e2e = usePlatform({
  services: ['registry', 'trigger-router', 'runner', 'relay', 'gateway'],
  targets: () => [slack.url, jira.url, pagerduty.url, `127.0.0.1:${smtp.port}`],
});

/** Every message on the NATS server while the file runs, to look for the canary in. */
const seen: { subject: string; data: string }[] = [];
let tap: Subscription | undefined;
beforeAll(() => {
  tap = e2e.platform.testBus.bus.nc.subscribe('>', {
    callback: (_error, msg: Msg) => {
      seen.push({ subject: msg.subject, data: msg.string() });
    },
  });
});
afterAll(() => tap?.unsubscribe());

const config = () => ({
  destinations: fakeDestinations({ slack, jira, smtp, pagerduty }),
  recipients: {
    alice: { channel: 'slack', address: 'U0ALICE' },
    bob: { channel: 'email', address: 'bob@example.com' },
  },
  roles: { secops: ['alice', 'bob'] },
});

const answers: string[] = [];
const api = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
  const answer = await e2e.api(method, path, { body, ...(headers ? { headers } : {}) });
  answers.push(answer.text);
  return answer;
};

describe('relay config', () => {
  it('stores credentials sealed and shows them masked', async () => {
    const put = await api('PUT', '/api/relay-config', config());
    expect(put.status, put.text).toBe(200);
    expect(put.headers.get('etag')).toBe('"1"');
    expect(put.body.destinations.slack).toEqual({
      type: 'slack',
      settings: { api_url: slack.apiUrl },
      credentials: { token: '********' },
    });
    const got = await api('GET', '/api/relay-config');
    expect(got.body).toMatchObject({ version: 1, recipients: config().recipients });
    expect(got.body.destinations.jira.credentials).toEqual({ api_token: '********' });

    const [row] = await e2e.platform.db.query<{ document: string }>(
      `select document::text from relay.relay_configs`,
    );
    expect(row?.document).not.toContain(canary);
    expect(row?.document).toMatch(/"token": "rls1\./);
  });

  it('a config sent back masked keeps its credentials; a stale If-Match is 412', async () => {
    const got = await api('GET', '/api/relay-config');
    const { version: _version, updatedAt: _at, ...body } = got.body as Record<string, unknown>;
    const put = await api('PUT', '/api/relay-config', body, { 'if-match': '"1"' });
    expect(put.status, put.text).toBe(200);
    expect(put.body.version).toBe(2);
    expect((await api('PUT', '/api/relay-config', body, { 'if-match': '"1"' })).status).toBe(412);
    const tested = await api('POST', '/api/relay-config/destinations/slack/test');
    expect(tested.body).toMatchObject({
      destination: 'slack',
      type: 'slack',
      ok: true,
      output: { team: 'Fake Team' },
    });
  });

  it('refuses bad input naming the field, and private or metadata addresses at save time', async () => {
    const cases: [unknown, string][] = [
      [
        { destinations: { jira: { type: 'jira', settings: { base_url: 'nope' } } } },
        'destinations.jira.settings.base_url',
      ],
      [{ destinations: { x: { type: 'fax', settings: {} } } }, 'destinations.x.type'],
      [
        { destinations: { meta: { type: 'jira', settings: { base_url: 'https://169.254.169.254/' } } } },
        'destinations.meta.settings.base_url',
      ],
      [
        {
          destinations: {
            loop: {
              type: 'slack',
              settings: { api_url: slack.apiUrl },
              credentials: { webhook_url: 'https://[::1]/x' },
            },
          },
        },
        'destinations.loop.credentials.webhook_url',
      ],
      [
        {
          destinations: {
            dev: { type: 'teams', settings: {}, credentials: { webhook_url: 'http://hooks.example.com/x' } },
          },
        },
        'destinations.dev.credentials.webhook_url',
      ],
      [{ recipients: { eve: { channel: 'slack', destination: 'nowhere' } } }, 'recipients.eve.destination'],
    ];
    for (const [body, path] of cases) {
      const answer = await api('PUT', '/api/relay-config', body);
      expect(answer.status, answer.text).toBe(422);
      expect(answer.type).toContain('application/problem+json');
      expect(answer.body.errors[0].path).toBe(path);
    }
    expect((await api('GET', '/api/relay-config')).body.version).toBe(2);
    expect((await api('POST', '/api/relay-config/destinations/nope/test')).status).toBe(404);
  });
});

describe('a run through the connectors', () => {
  let runId = '';
  let run: any;

  it('posts, opens a ticket, notifies a role, pages and mails; outputs and deliveries on the run', async () => {
    const created = await api('POST', '/api/workflows', {
      name: 'Patch a critical CVE',
      owner: 'role:secops',
      triggers: [{ type: 'manual' }],
      steps: [
        { id: 'post', type: 'slack', slack: { channel: '#sec', text: 'CVE {{ trigger.cve }} found' } },
        {
          id: 'ticket',
          type: 'jira',
          jira: { project: 'SEC', summary: 'Patch {{ trigger.cve }}', issue_type: 'Bug' },
        },
        {
          id: 'tell_owner',
          type: 'notify',
          notify: { to: 'owner', subject: 'CVE', message: 'Ticket {{ steps.ticket.output.key }}' },
        },
        {
          id: 'page',
          type: 'pagerduty',
          pagerduty: { summary: 'CVE {{ trigger.cve }}', severity: 'critical' },
        },
        {
          id: 'mail',
          type: 'email',
          email: { to: ['ciso@example.com'], subject: 'CVE', body: 'see {{ steps.ticket.output.url }}' },
        },
      ],
    });
    expect(created.status, created.text).toBe(201);
    await api('POST', `/api/workflows/${created.body.id as string}/activate`);
    const started = await api('POST', `/api/workflows/${created.body.id as string}/run`, {
      cve: 'CVE-2026-1',
    });
    runId = started.body.runId as string;
    run = await waitFor(
      async () => {
        const r = await api('GET', `/api/runs/${runId}`);
        return ['succeeded', 'failed'].includes(r.body.status as string) ? r.body : undefined;
      },
      45_000,
      'the run to end',
    );
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    const step = (id: string) => run.steps.find((s: any) => s.id === id);
    expect(step('post').output).toMatchObject({ channel: '#sec', ts: expect.stringMatching(/^\d+\.\d+$/) });
    const key = step('ticket').output.key as string;
    expect(step('ticket').output.url).toBe(`${jira.url}/browse/${key}`);
    expect(step('tell_owner').output.sent.map((s: any) => s.to)).toEqual(['alice', 'bob']);
    expect(step('page').output).toEqual({ dedup_key: runId, status: 'success' });

    expect(slack.messages.map((m) => m.text)).toEqual(['CVE CVE-2026-1 found', `Ticket ${key}`]);
    expect(jira.issues.get(key)?.fields.summary).toBe('Patch CVE-2026-1');
    expect(smtp.mails.map((m) => m.to[0])).toEqual(['bob@example.com', 'ciso@example.com']);
    expect(smtp.mails[1]?.text).toContain(`${jira.url}/browse/${key}`);
    expect(pagerduty.open.has(runId)).toBe(true);

    expect(run.deliveries.map((d: any) => [d.stepId, d.destination, d.status])).toEqual([
      ['post', 'slack', 'succeeded'],
      ['ticket', 'jira', 'succeeded'],
      ['tell_owner', null, 'succeeded'],
      ['page', 'pagerduty', 'succeeded'],
      ['mail', 'email', 'succeeded'],
    ]);
    for (const delivery of run.deliveries) {
      expect(delivery).toMatchObject({ attempt: 1, tries: expect.any(Number), claims: 1 });
      expect(delivery.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('a redelivered command makes no second effect and re-sends the stored result', async () => {
    const post = run.steps.find((s: any) => s.id === 'post');
    await redeliverRelayCommand(e2e.platform, {
      runId,
      workflowId: run.workflowId,
      stepId: 'post',
      kind: 'slack',
      input: post.input,
    });
    expect(slack.messages.filter((m) => m.text === 'CVE CVE-2026-1 found')).toHaveLength(1);
  });
});

it('keys rotate re-wraps the data key with the new master key; credentials still open', async () => {
  // Every service that seals secrets restarts with the new key listed last, then rotation re-wraps.
  const keys = `${e2e.platform.env.RISKLOOP_MASTER_KEYS},${generateMasterKey('v2')}`;
  for (const name of ['relay', 'trigger-router'] as const) {
    await e2e.platform.processes.find((p) => p.name === name)!.stop();
    await e2e.platform.start(name, { RISKLOOP_MASTER_KEYS: keys });
  }
  const rotated = await runScript(
    'services/gateway/src/cli/main.ts',
    ['keys', 'rotate', '--json'],
    e2e.platform.env,
  );
  expect(rotated.code, rotated.stderr).toBe(0);
  expect(JSON.parse(rotated.stdout.trim())).toEqual({
    relay: { rewrapped: 1, current: 'v2' },
    'trigger-router': { rewrapped: 0, current: 'v2' },
  });
  const [key] = await e2e.platform.db.query<{ master_version: string }>(
    `select master_version from relay.data_keys`,
  );
  expect(key?.master_version).toBe('v2');
  const tested = await api('POST', '/api/relay-config/destinations/jira/test');
  expect(tested.body).toMatchObject({ ok: true });
});

it('the canary secrets never appear in an answer, a log line or a message other than the config PUT', () => {
  const logs = e2e.platform.processes.map((p) => p.output()).join('\n');
  for (const secret of [canary, jiraCanary]) {
    expect(answers.join('\n')).not.toContain(secret);
    expect(logs).not.toContain(secret);
    const carrying = seen.filter((m) => m.data.includes(secret)).map((m) => m.subject);
    expect(carrying.length).toBeGreaterThan(0);
    for (const subject of carrying) expect(subject).toMatch(/\.rpc\.relay\.[^.]+\.put-relay-config$/);
  }
  // What reached the fakes did carry the credentials (so the check above is looking at the right thing).
  expect(slack.requests.some((r) => r.headers.authorization === `Bearer ${canary}`)).toBe(true);
});
