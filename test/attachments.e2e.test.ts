/**
 * Attachments end to end, with artifacts in the S3-compatible store: a run renders a document (kept in the
 * testkit's S3 fake through the AWS SDK), a `slack` step shares it to its channel and a `jira` step attaches
 * it to the issue it opens; the bytes Slack and Jira receive are the artifact's, and redelivered step
 * commands upload nothing again. A webhook-only Slack destination and an unknown artifact fail their step
 * with a clear error.
 */
import {
  fakeDestinations,
  redeliverRelayCommand,
  startJiraFake,
  startS3Fake,
  startSlackFake,
  usePlatform,
  waitFor,
  type JiraFake,
  type S3Fake,
  type SlackFake,
} from '@riskloop/testkit';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let slack: SlackFake;
let jira: JiraFake;
let s3: S3Fake;
beforeAll(async () => {
  [slack, jira, s3] = await Promise.all([startSlackFake(), startJiraFake(), startS3Fake()]);
});
afterAll(async () => {
  await Promise.all([slack, jira, s3].map((s) => s.close()));
});

const e2e = usePlatform({
  services: ['registry', 'trigger-router', 'runner', 'relay', 'gateway'],
  targets: () => [slack.url, jira.url],
  lateEnv: () => ({
    RELAY_ARTIFACT_STORE: 's3',
    RELAY_S3_ENDPOINT: s3.url,
    RELAY_S3_BUCKET: s3.bucket,
    RELAY_S3_REGION: s3.region,
    RELAY_S3_FORCE_PATH_STYLE: 'true',
    RELAY_S3_PREFIX: 'riskloop/',
    RELAY_S3_ACCESS_KEY_ID: s3.accessKeyId,
    RELAY_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  }),
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const evidence = {
  id: 'evidence',
  type: 'document',
  document: {
    name: 'evidence',
    title: 'Evidence for {{ trigger.finding }}',
    template: '## Finding\n\n{{ trigger.finding }} was contained.\n',
    formats: ['pdf', 'markdown'],
  },
};

async function run(steps: unknown[], payload: Record<string, unknown>) {
  const created = await e2e.api('POST', '/api/workflows', {
    body: { name: `Attach ${randomUUID().slice(0, 6)}`, triggers: [{ type: 'manual' }], steps },
  });
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  expect((await e2e.api('POST', `/api/workflows/${id}/activate`, { body: {} })).status).toBe(200);
  const started = await e2e.api('POST', `/api/workflows/${id}/run`, { body: payload });
  expect(started.status, started.text).toBe(202);
  const runId = started.body.runId as string;
  return waitFor(
    async () => {
      const r = await e2e.api('GET', `/api/runs/${runId}`);
      return ['succeeded', 'failed', 'cancelled'].includes(r.body.status as string) ? r.body : undefined;
    },
    45_000,
    'the run to end',
  );
}

/** A step's command delivered again (same idempotency key), answered with the stored result. */
const redeliver = (finished: any, stepId: string, kind: string) =>
  redeliverRelayCommand(e2e.platform, {
    runId: finished.id,
    workflowId: finished.workflowId,
    stepId,
    kind,
    input: finished.steps.find((s: any) => s.id === stepId).input,
  });

describe('attachments on slack and jira steps, artifacts in S3', () => {
  let finished: any;

  it('share the document to Slack and attach it to the Jira issue: the same bytes arrive', async () => {
    const put = await e2e.api('PUT', '/api/relay-config', {
      body: {
        destinations: {
          ...fakeDestinations({ slack, jira }),
          'slack-hook': {
            type: 'slack',
            settings: { api_url: slack.apiUrl },
            credentials: { webhook_url: slack.webhookUrl },
          },
        },
      },
    });
    expect(put.status, put.text).toBe(200);
    finished = await run(
      [
        evidence,
        {
          id: 'announce',
          type: 'slack',
          slack: { channel: 'C0SEC', text: 'Evidence for {{ trigger.finding }}', attachments: ['evidence'] },
        },
        {
          id: 'ticket',
          type: 'jira',
          jira: { project: 'SEC', summary: 'Review {{ trigger.finding }}', attachments: ['evidence.pdf'] },
        },
      ],
      { finding: 'public bucket' },
    );
    expect(finished.status, JSON.stringify(finished.steps)).toBe('succeeded');
    const listed = new Map<string, any>(finished.artifacts.map((a: any) => [a.name, a]));
    expect([...listed.keys()].sort()).toEqual(['evidence.md', 'evidence.pdf']);

    // Kept in S3, under the prefix, tenant and run; downloaded through the gateway with the same bytes.
    const keys = [...s3.objects.keys()].filter((k) => k.includes(finished.id as string));
    expect(keys.map((k) => k.split('/').slice(3).join('/')).sort()).toEqual(['evidence.md', 'evidence.pdf']);
    expect(keys.every((k) => k.startsWith('riskloop/'))).toBe(true);
    const download = await fetch(
      `${e2e.platform.gatewayUrl}/api/runs/${finished.id as string}/artifacts/evidence.pdf`,
      { headers: { authorization: `Bearer ${e2e.apiKey}` } },
    );
    expect(sha256(new Uint8Array(await download.arrayBuffer()))).toBe(listed.get('evidence.pdf').sha256);

    const announce = finished.steps.find((s: any) => s.id === 'announce');
    const files = (announce.output.attachments as { name: string; id: string }[]).map((a) =>
      slack.files.get(a.id),
    );
    expect(files.map((f) => [f?.filename, f?.shares]).sort()).toEqual([
      ['evidence.md', ['C0SEC']],
      ['evidence.pdf', ['C0SEC']],
    ]);
    for (const file of files) expect(file?.sha256).toBe(listed.get(file!.filename).sha256);
    expect(slack.messages.filter((m) => m.text === 'Evidence for public bucket')).toHaveLength(1);

    const ticket = finished.steps.find((s: any) => s.id === 'ticket');
    const issue = jira.issues.get(ticket.output.key as string);
    expect(issue?.attachments.map((a) => [a.filename, a.sha256])).toEqual([
      ['evidence.pdf', listed.get('evidence.pdf').sha256],
    ]);
  });

  it('redelivered slack and jira commands upload nothing again', async () => {
    const uploads = slack.uploads.length;
    const shares = [...slack.files.values()].reduce((n, f) => n + f.shares.length, 0);
    await redeliver(finished, 'announce', 'slack');
    await redeliver(finished, 'ticket', 'jira');
    expect(slack.uploads.length).toBe(uploads);
    expect([...slack.files.values()].reduce((n, f) => n + f.shares.length, 0)).toBe(shares);
    expect(slack.messages.filter((m) => m.text === 'Evidence for public bucket')).toHaveLength(1);
    const key = finished.steps.find((s: any) => s.id === 'ticket').output.key as string;
    expect(jira.issues.get(key)?.attachments).toHaveLength(1);
  });

  it('a webhook-only Slack destination fails the step, saying it cannot upload files', async () => {
    const messages = slack.messages.length;
    const failed = await run(
      [
        evidence,
        {
          id: 'announce',
          type: 'slack',
          slack: { destination: 'slack-hook', channel: '#sec', text: 'x', attachments: ['evidence.pdf'] },
        },
      ],
      { finding: 'open port' },
    );
    expect(failed.status).toBe('failed');
    const step = failed.steps.find((s: any) => s.id === 'announce');
    expect(step.error.code).toBe('slack_webhook_cannot_upload');
    expect(step.error.message).toMatch(/incoming webhook, which cannot upload files/);
    expect(slack.messages.length).toBe(messages);
  });

  it('an artifact the run does not have fails the step, naming it', async () => {
    const failed = await run(
      [{ id: 'announce', type: 'slack', slack: { channel: 'C0SEC', text: 'x', attachments: ['evidence'] } }],
      {},
    );
    expect(failed.status).toBe('failed');
    const step = failed.steps.find((s: any) => s.id === 'announce');
    expect(step.error).toMatchObject({ code: 'attachment_not_found' });
    expect(step.error.message).toMatch(/no artifact evidence in this run/);
  });
});
