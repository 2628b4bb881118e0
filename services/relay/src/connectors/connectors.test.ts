/**
 * Every connector against a local server that speaks its protocol over a socket (the testkit fakes):
 * what reaches the server, what the step outputs, and how failures are retried or not.
 */
import {
  cloudEvent,
  eventTypes,
  type RelayConfigBody,
  type RelayConfigInput,
  type StepCommand,
} from '@riskloop/contracts';
import { createKeyring, generateMasterKey, memoryDataKeyStore, parseMasterKeys } from '@riskloop/crypto';
import {
  fakeDestinations,
  startJiraFake,
  startPagerDutyFake,
  startServiceNowFake,
  startSink,
  startSlackFake,
  startSmtpFake,
  startTeamsFake,
  type JiraFake,
  type PagerDutyFake,
  type ServiceNowFake,
  type Sink,
  type SlackFake,
  type SmtpFake,
  type TeamsFake,
} from '@riskloop/testkit';
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Claim } from '../deliveries.ts';
import { createExecutor } from '../execute.ts';
import { sealedConfig } from './sealed-config.ts';
import { createAddressPolicy } from '../net/address-policy.ts';
import { createHttp } from '../net/http.ts';
import { createResilience } from '../net/resilience.ts';
import { createRelayConfigStore } from '../relay-config.ts';
import { jiraMarker } from './jira.ts';

const tenant = 'acme';
let slack: SlackFake;
let teams: TeamsFake;
let jira: JiraFake;
let servicenow: ServiceNowFake;
let pagerduty: PagerDutyFake;
let smtp: SmtpFake;
let sink: Sink;
let perform: ReturnType<typeof createExecutor>;
let close: () => Promise<void>;
const keyring = createKeyring(parseMasterKeys(generateMasterKey('v1')), memoryDataKeyStore());
let config: RelayConfigBody;

/** The config as the store keeps it: every credential sealed for its tenant and field. */
const sealed = (input: RelayConfigInput) => sealedConfig(keyring, tenant, input);

beforeAll(async () => {
  [slack, teams, jira, servicenow, pagerduty, smtp, sink] = await Promise.all([
    startSlackFake(),
    startTeamsFake(),
    startJiraFake(),
    startServiceNowFake(),
    startPagerDutyFake(),
    startSmtpFake(),
    startSink(),
  ]);
  const targets = [slack.url, teams.url, jira.url, servicenow.url, pagerduty.url, sink.url].map(
    (u) => new URL(u).host,
  );
  const policy = createAddressPolicy({
    allowTargets: [...targets, `127.0.0.1:${smtp.port}`],
    allowHttp: false,
  });
  const http = createHttp(policy);
  config = await sealed({
    destinations: {
      ...fakeDestinations({ slack, teams, jira, servicenow, pagerduty, smtp }),
      'slack-hook': { type: 'slack', settings: {}, credentials: { webhook_url: slack.webhookUrl } },
      signed: { type: 'webhook', settings: {}, credentials: { signing_secret: 'whsec-test' } },
    },
    recipients: {
      alice: { channel: 'slack', address: 'U0ALICE' },
      bob: { channel: 'email', address: 'bob@example.com' },
      carol: { channel: 'teams' },
    },
    roles: { secops: ['alice', 'carol'] },
  });
  const store = createRelayConfigStore({ orm: undefined as never, keyring, policy });
  const storeWithConfig = { ...store, current: () => Promise.resolve(config) };
  const resilience = createResilience({
    destinationConcurrency: 4,
    maxRetryAfterMs: 5_000,
    breakerThreshold: 3,
    breakerHalfOpenMs: 60_000,
  });
  perform = createExecutor({
    store: storeWithConfig,
    http,
    policy,
    resilience,
    bus: undefined as never,
    artifacts: undefined as never,
    artifactMaxBytes: 0,
    actions: undefined as never,
  });
  close = () => http.close();
});

afterAll(async () => {
  await close();
  await Promise.all([slack, teams, jira, servicenow, pagerduty, smtp, sink].map((s) => s.close()));
});

const command = (
  kind: string,
  input: Record<string, unknown>,
  overrides: Partial<StepCommand['data']> = {},
): StepCommand => {
  const runId = randomUUID();
  return cloudEvent({
    id: randomUUID(),
    source: 'test',
    type: eventTypes.stepExec,
    tenant,
    data: {
      runId,
      workflowId: randomUUID(),
      stepId: 'step',
      kind,
      attempt: 1,
      idempotencyKey: `${tenant}:${runId}:step:1`,
      input,
      timeoutMs: 2_000,
      maxAttempts: 3,
      backoffInitialMs: 1,
      backoffMaxMs: 5,
      ...overrides,
    },
  }) as StepCommand;
};

const claim = (effects: Record<string, unknown> = {}): Claim & { recorded: Record<string, unknown> } => {
  const recorded: Record<string, unknown> = {};
  return { effects, recorded, record: (name, value) => Promise.resolve(void (recorded[name] = value)) };
};

describe('slack', () => {
  test('chat.postMessage with the bot token; output has channel and ts', async () => {
    const outcome = await perform(command('slack', { channel: '#sec', text: 'CVE-1 open' }), claim());
    expect(outcome).toMatchObject({ ok: true, tries: 1, destination: 'slack', output: { channel: '#sec' } });
    expect((outcome.output as { ts: string }).ts).toMatch(/^\d+\.\d+$/);
    expect(slack.messages.at(-1)).toMatchObject({ channel: '#sec', text: 'CVE-1 open', via: 'api' });
  });

  test('an incoming webhook destination', async () => {
    const outcome = await perform(
      command('slack', { destination: 'slack-hook', channel: '#x', text: 'via hook' }),
      claim(),
    );
    expect(outcome).toMatchObject({ ok: true, destination: 'slack-hook' });
    expect(slack.messages.at(-1)).toMatchObject({ text: 'via hook', via: 'webhook' });
  });

  test('429 with Retry-After waits that long, then succeeds', async () => {
    slack.misbehave({ kind: 'status', status: 429, retryAfter: '1' });
    const started = Date.now();
    const outcome = await perform(command('slack', { channel: '#sec', text: 'after a wait' }), claim());
    expect(outcome).toMatchObject({ ok: true, tries: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  test("Slack's own refusal fails at once with its code", async () => {
    const outcome = await perform(command('slack', { channel: '', text: 'x' }), claim());
    expect(outcome).toMatchObject({ ok: false, tries: 0, error: { code: 'invalid_input' } });
    const before = slack.requests.length;
    config.destinations.slack!.credentials = {
      token: await keyring.seal(tenant, 'destinations.slack.token', 'xoxb-wrong'),
    };
    try {
      const refused = await perform(command('slack', { channel: '#sec', text: 'x' }), claim());
      expect(refused).toMatchObject({ ok: false, tries: 1, error: { code: 'slack_invalid_auth' } });
      expect(slack.requests.length).toBe(before + 1);
    } finally {
      config.destinations.slack!.credentials = {
        token: await keyring.seal(tenant, 'destinations.slack.token', slack.token),
      };
    }
  });
});

test('teams gets an adaptive card', async () => {
  const outcome = await perform(command('teams', { title: 'Incident', text: 'P1 opened' }), claim());
  expect(outcome).toMatchObject({ ok: true, output: { status: 202 } });
  expect(teams.cards.at(-1)).toEqual(['Incident', 'P1 opened']);
});

describe('email', () => {
  test('sent over SMTP with auth, parsed by the receiver, Message-ID from the idempotency key', async () => {
    const cmd = command('email', {
      to: ['ciso@example.com'],
      subject: 'Weekly report',
      body: 'All controls green.',
    });
    const outcome = await perform(cmd, claim());
    expect(outcome).toMatchObject({ ok: true, tries: 1, output: { accepted: ['ciso@example.com'] } });
    const mail = smtp.mails.at(-1);
    expect(mail).toMatchObject({
      from: 'riskloop@example.com',
      to: ['ciso@example.com'],
      subject: 'Weekly report',
    });
    expect(mail?.text.trim()).toBe('All controls green.');
    expect(mail?.messageId).toBe((outcome.output as { messageId: string }).messageId);
    expect(mail?.headers.get('x-riskloop-run')).toBe(cmd.data.runId);
  });

  test('a temporary 451 is retried', async () => {
    smtp.refuseNext(1);
    const before = smtp.mails.length;
    const outcome = await perform(
      command('email', { to: ['a@example.com'], subject: 's', body: 'b' }),
      claim(),
    );
    expect(outcome).toMatchObject({ ok: true, tries: 2 });
    expect(smtp.mails.length).toBe(before + 1);
  });
});

describe('jira', () => {
  test('create: an issue with the key label; output key, id and browse URL', async () => {
    const cmd = command('jira', {
      action: 'create',
      issue_type: 'Bug',
      summary: 'Patch CVE-1',
      description: 'line 1\nline 2',
      labels: ['cve'],
    });
    const outcome = await perform(cmd, claim());
    expect(outcome).toMatchObject({ ok: true, destination: 'jira', output: { existing: false } });
    const { key, url } = outcome.output as { key: string; url: string };
    expect(url).toBe(`${jira.url}/browse/${key}`);
    const issue = jira.issues.get(key);
    expect(issue?.fields).toMatchObject({
      project: { key: 'SEC' },
      issuetype: { name: 'Bug' },
      summary: 'Patch CVE-1',
    });
    expect(issue?.fields.labels).toEqual(['cve', jiraMarker(cmd.data.idempotencyKey)]);

    // The same command again (a relay that died after the create, before recording it): found, not re-opened.
    const again = await perform(cmd, claim());
    expect(again).toMatchObject({ ok: true, output: { key, existing: true } });
    expect([...jira.issues.values()].filter((i) => i.fields.summary === 'Patch CVE-1')).toHaveLength(1);
  });

  test('a lost answer (reset, then 500) is retried without a second issue', async () => {
    jira.misbehave({ kind: 'reset' }, { kind: 'status', status: 500 });
    const outcome = await perform(command('jira', { summary: 'Rotate keys' }), claim());
    expect(outcome).toMatchObject({ ok: true, tries: 3 });
    expect([...jira.issues.values()].filter((i) => i.fields.summary === 'Rotate keys')).toHaveLength(1);
  });

  test('comment and transition an existing issue', async () => {
    const created = await perform(command('jira', { summary: 'Follow up' }), claim());
    const { key } = created.output as { key: string };
    const commented = await perform(
      command('jira', { action: 'comment', issue: key, comment: 'patched' }),
      claim(),
    );
    expect(commented).toMatchObject({ ok: true, output: { key, commentId: '1' } });
    const moved = await perform(
      command('jira', { action: 'transition', issue: key, transition: 'done' }),
      claim(),
    );
    expect(moved).toMatchObject({ ok: true, output: { key, transition: 'Done' } });
    expect(jira.issues.get(key)?.status).toBe('Done');
  });

  test('a destination that hangs fails as timeout after every try', async () => {
    jira.misbehave({ kind: 'hang' }, { kind: 'hang' });
    const outcome = await perform(
      command('jira', { summary: 'slow' }, { timeoutMs: 200, maxAttempts: 2 }),
      claim(),
    );
    expect(outcome).toMatchObject({ ok: false, tries: 2, error: { code: 'timeout' } });
  });
});

test('servicenow: create with correlation_id (found again, not duplicated), then update', async () => {
  const cmd = command('servicenow', { fields: { short_description: 'Public bucket', urgency: '1' } });
  const outcome = await perform(cmd, claim());
  expect(outcome).toMatchObject({ ok: true, output: { table: 'incident', existing: false } });
  const { sys_id: sysId, number } = outcome.output as { sys_id: string; number: string };
  expect(number).toMatch(/^INC/);
  expect(servicenow.records.get(sysId)).toMatchObject({
    short_description: 'Public bucket',
    correlation_id: cmd.data.idempotencyKey,
  });
  expect(await perform(cmd, claim())).toMatchObject({ ok: true, output: { sys_id: sysId, existing: true } });
  expect(servicenow.records.size).toBe(1);

  const updated = await perform(
    command('servicenow', { action: 'update', sys_id: sysId, fields: { state: '6' } }),
    claim(),
  );
  expect(updated).toMatchObject({ ok: true, output: { sys_id: sysId } });
  expect(servicenow.records.get(sysId)?.state).toBe('6');
});

test('pagerduty: trigger with the run id as dedup key, then resolve it', async () => {
  const cmd = command('pagerduty', { summary: 'Critical violation', severity: 'critical' });
  const outcome = await perform(cmd, claim());
  expect(outcome).toMatchObject({ ok: true, output: { dedup_key: cmd.data.runId, status: 'success' } });
  expect(pagerduty.open.has(cmd.data.runId)).toBe(true);
  const resolved = await perform(
    command('pagerduty', { action: 'resolve', summary: 'fixed', dedup_key: cmd.data.runId }),
    claim(),
  );
  expect(resolved.ok).toBe(true);
  expect(pagerduty.open.has(cmd.data.runId)).toBe(false);
});

describe('webhook', () => {
  test('signed with the destination secret over timestamp and body', async () => {
    const cmd = command('webhook', { destination: 'signed', url: `${sink.url}/in`, body: { a: 1 } });
    const outcome = await perform(cmd, claim());
    expect(outcome).toMatchObject({ ok: true, destination: 'signed', output: { status: 200 } });
    const request = sink.requests.at(-1)!;
    const timestamp = String(request.headers['x-riskloop-timestamp']);
    const expected = createHmac('sha256', 'whsec-test').update(`${timestamp}.${request.body}`).digest('hex');
    expect(request.headers['x-riskloop-signature']).toBe(`v1=${expected}`);
    expect(request.headers['idempotency-key']).toBe(cmd.data.idempotencyKey);
  });

  test('a 400 fails at once; a refused address fails without a try', async () => {
    sink.respond({ status: 400, body: { error: 'bad payload' } });
    try {
      expect(await perform(command('webhook', { url: `${sink.url}/strict` }), claim())).toMatchObject({
        ok: false,
        tries: 1,
        error: { code: 'http_400' },
      });
    } finally {
      sink.respond({});
    }
    const refused = await perform(
      command('webhook', { url: 'https://169.254.169.254/latest/meta-data/' }),
      claim(),
    );
    expect(refused).toMatchObject({ ok: false, tries: 1, error: { code: 'target_refused' } });
  });
});

describe('notify', () => {
  test('each person on their channel; a role expands to its members; an address is mailed', async () => {
    const cmd = command('notify', {
      to: ['role:secops', 'bob@example.com', 'alice'],
      subject: 'Reminder',
      message: 'Approve CR-7',
    });
    const record = claim();
    const outcome = await perform(cmd, record);
    expect(outcome.ok).toBe(true);
    const sent = (outcome.output as { sent: { to: string; channel: string }[] }).sent;
    expect(sent.map((s) => [s.to, s.channel])).toEqual([
      ['alice', 'slack'],
      ['carol', 'teams'],
      ['bob@example.com', 'email'],
    ]);
    expect(slack.messages.at(-1)).toMatchObject({ channel: 'U0ALICE', text: 'Approve CR-7' });
    expect(smtp.mails.at(-1)).toMatchObject({ to: ['bob@example.com'], subject: 'Reminder' });
    expect(Object.keys(record.recorded)).toEqual(['notify:alice', 'notify:carol', 'notify:bob@example.com']);
  });

  test('a takeover skips the people already reached', async () => {
    const before = slack.messages.length;
    const mails = smtp.mails.length;
    const outcome = await perform(
      command('notify', { to: ['alice', 'bob'], message: 'once' }),
      claim({ 'notify:alice': { to: 'alice', channel: 'slack', ts: '1.1' } }),
    );
    expect(outcome.ok).toBe(true);
    expect(slack.messages.length).toBe(before);
    expect(smtp.mails.length).toBe(mails + 1);
  });

  test('an unknown person fails the step before anything is sent', async () => {
    const before = slack.messages.length;
    const outcome = await perform(command('notify', { to: ['alice', 'mallory'], message: 'x' }), claim());
    expect(outcome).toMatchObject({ ok: false, tries: 0, error: { code: 'unknown_recipient' } });
    expect(slack.messages.length).toBe(before);
  });
});

test('after consecutive faults the circuit opens: the destination gets no more calls for a while', async () => {
  teams.misbehave(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 503 })));
  const failed = await perform(command('teams', { text: 'x' }, { maxAttempts: 3 }), claim());
  expect(failed).toMatchObject({ ok: false, error: { code: 'http_503' } });
  const before = teams.requests.length;
  const blocked = await perform(command('teams', { text: 'y' }, { maxAttempts: 2 }), claim());
  expect(blocked).toMatchObject({ ok: false, tries: 0, error: { code: 'circuit_open' } });
  expect(teams.requests.length).toBe(before);
});
