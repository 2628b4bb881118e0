/**
 * Artifacts attached by `slack` and `jira` steps, against the testkit's Slack and Jira servers over a
 * socket: the bytes that arrive are the artifact's (hash match), a copy taking a delivery over after a
 * crash uploads nothing twice, and a webhook-only Slack destination, an unknown artifact or one over the
 * limit fails the step before anything is sent.
 */
import { cloudEvent, eventTypes, type RelayConfigInput, type StepCommand } from '@riskloop/contracts';
import { createKeyring, generateMasterKey, memoryDataKeyStore, parseMasterKeys } from '@riskloop/crypto';
import {
  fakeDestinations,
  startJiraFake,
  startSlackFake,
  type JiraFake,
  type SlackFake,
} from '@riskloop/testkit';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fsArtifactStore } from '../artifacts/fs-store.ts';
import { artifactOf, sha256Hex, type ArtifactStore } from '../artifacts/store.ts';
import type { Claim } from '../deliveries.ts';
import { createExecutor, type ExecutorOptions } from '../execute.ts';
import { sealedConfig } from './sealed-config.ts';
import { createAddressPolicy } from '../net/address-policy.ts';
import { createHttp } from '../net/http.ts';
import { createResilience } from '../net/resilience.ts';
import { createRelayConfigStore } from '../relay-config.ts';

const tenant = 'acme';
let slack: SlackFake;
let jira: JiraFake;
let root: string;
let artifacts: ArtifactStore;
let options: ExecutorOptions;
let perform: ReturnType<typeof createExecutor>;
const keyring = createKeyring(parseMasterKeys(generateMasterKey('v1')), memoryDataKeyStore());

/** The config as the store keeps it: every credential sealed for its tenant and field. */
const sealed = (input: RelayConfigInput) => sealedConfig(keyring, tenant, input);

beforeAll(async () => {
  [slack, jira] = await Promise.all([startSlackFake(), startJiraFake()]);
  root = await mkdtemp(join(tmpdir(), 'riskloop-attach-'));
  artifacts = fsArtifactStore(root);
  const policy = createAddressPolicy({
    allowTargets: [slack.url, jira.url].map((u) => new URL(u).host),
    allowHttp: false,
  });
  const config = await sealed({
    destinations: {
      ...fakeDestinations({ slack, jira }),
      'slack-hook': { type: 'slack', settings: {}, credentials: { webhook_url: slack.webhookUrl } },
    },
  });
  const store = createRelayConfigStore({ orm: undefined as never, keyring, policy });
  options = {
    store: { ...store, current: () => Promise.resolve(config) },
    http: createHttp(policy),
    policy,
    resilience: createResilience({
      destinationConcurrency: 4,
      maxRetryAfterMs: 5_000,
      breakerThreshold: 10,
      breakerHalfOpenMs: 60_000,
    }),
    bus: undefined as never,
    artifacts,
    artifactMaxBytes: 100_000,
    actions: undefined as never,
  };
  perform = createExecutor(options);
});

afterAll(async () => {
  await options.http.close();
  await Promise.all([slack.close(), jira.close()]);
  await rm(root, { recursive: true, force: true });
});

/** A run with a rendered document `report` (PDF-like bytes and Markdown), and a step command of that run. */
async function runWithReport() {
  const runId = randomUUID();
  const pdf = Buffer.concat([
    Buffer.from('%PDF-1.7\n'),
    Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256)),
  ]);
  const md = Buffer.from('# Report\n\nAll controls green.\n');
  await artifacts.put(tenant, runId, artifactOf('report.pdf', 'render', pdf, 100_000));
  await artifacts.put(tenant, runId, artifactOf('report.md', 'render', md, 100_000));
  const command = (kind: string, input: Record<string, unknown>): StepCommand =>
    cloudEvent({
      id: randomUUID(),
      source: 'test',
      type: eventTypes.stepExec,
      tenant,
      data: {
        runId,
        workflowId: randomUUID(),
        stepId: kind,
        kind,
        attempt: 1,
        idempotencyKey: `${tenant}:${runId}:${kind}:1`,
        input,
        timeoutMs: 2_000,
        maxAttempts: 3,
        backoffInitialMs: 1,
        backoffMaxMs: 5,
      },
    }) as StepCommand;
  return { runId, pdf, md, command };
}

/** A delivery's claim: effects a previous holder made, and what this one records. */
const claim = (effects: Record<string, unknown> = {}): Claim & { recorded: Record<string, unknown> } => {
  const recorded: Record<string, unknown> = { ...effects };
  return { effects, recorded, record: (name, value) => Promise.resolve(void (recorded[name] = value)) };
};

describe('slack attachments', () => {
  test('posts the text, then uploads each file and shares them to the channel: the bytes arrive intact', async () => {
    const { pdf, md, command } = await runWithReport();
    const before = slack.uploads.length;
    const outcome = await perform(
      command('slack', { channel: 'C0SEC', text: 'Weekly report attached', attachments: ['report'] }),
      claim(),
    );
    expect(outcome, JSON.stringify(outcome.error)).toMatchObject({ ok: true, destination: 'slack' });
    const output = outcome.output as {
      channel: string;
      ts: string;
      attachments: { name: string; id: string }[];
    };
    expect(output.channel).toBe('C0SEC');
    expect(output.attachments.map((a) => a.name).sort()).toEqual(['report.md', 'report.pdf']);
    expect(slack.messages.at(-1)).toMatchObject({ channel: 'C0SEC', text: 'Weekly report attached' });
    expect(slack.uploads.length).toBe(before + 2);
    const pdfFile = slack.files.get(output.attachments.find((a) => a.name === 'report.pdf')!.id);
    expect(pdfFile).toMatchObject({ filename: 'report.pdf', length: pdf.length, shares: ['C0SEC'] });
    expect(pdfFile?.sha256).toBe(sha256Hex(pdf));
    const mdFile = slack.files.get(output.attachments.find((a) => a.name === 'report.md')!.id);
    expect(mdFile?.sha256).toBe(sha256Hex(md));
    expect(mdFile?.shares).toEqual(['C0SEC']);
  });

  test('a copy taking the delivery over after a crash uploads and posts nothing twice', async () => {
    const { command } = await runWithReport();
    const cmd = command('slack', {
      channel: 'C0GRC',
      text: 'once',
      attachments: ['report.pdf', 'report.md'],
    });
    const first = claim();
    expect((await perform(cmd, first)).ok).toBe(true);
    const shared = [...slack.files.values()].filter((f) => f.shares.includes('C0GRC'));
    expect(shared).toHaveLength(2);

    // The relay died after the message and the first upload were recorded: the takeover does the rest.
    const messages = slack.messages.length;
    const uploads = slack.uploads.length;
    const crashed = claim({
      'slack:message': first.recorded['slack:message'],
      'slack:upload:report.pdf': first.recorded['slack:upload:report.pdf'],
    });
    const taken = await perform(cmd, crashed);
    expect(taken.ok).toBe(true);
    expect(slack.messages.length).toBe(messages);
    expect(slack.uploads.length).toBe(uploads + 1);
    expect((taken.output as { attachments: { id: string }[] }).attachments[0]?.id).toBe(
      first.recorded['slack:upload:report.pdf'],
    );

    // Everything recorded: a takeover makes no call at all.
    const requests = slack.requests.length;
    expect((await perform(cmd, claim(first.recorded))).ok).toBe(true);
    expect(slack.requests.length).toBe(requests);
  });

  test('a webhook-only destination fails the step, naming why, before posting anything', async () => {
    const { command } = await runWithReport();
    const requests = slack.requests.length;
    const outcome = await perform(
      command('slack', { destination: 'slack-hook', channel: '#x', text: 'x', attachments: ['report.pdf'] }),
      claim(),
    );
    expect(outcome).toMatchObject({ ok: false, tries: 0, error: { code: 'slack_webhook_cannot_upload' } });
    expect(outcome.error?.message).toMatch(
      /slack-hook is a Slack incoming webhook, which cannot upload files/,
    );
    expect(slack.requests.length).toBe(requests);
  });

  test('an unknown artifact, or one over the limit, fails the step before anything is sent', async () => {
    const { command } = await runWithReport();
    const requests = slack.requests.length;
    const unknown = await perform(
      command('slack', { channel: 'C0SEC', text: 'x', attachments: ['report.pdf', 'evidence'] }),
      claim(),
    );
    expect(unknown).toMatchObject({ ok: false, tries: 0, error: { code: 'attachment_not_found' } });
    expect(unknown.error?.message).toMatch(/no artifact evidence in this run/);

    const small = createExecutor({ ...options, artifactMaxBytes: 1_000 });
    const large = await small(
      command('slack', { channel: 'C0SEC', text: 'x', attachments: ['report.pdf'] }),
      claim(),
    );
    expect(large).toMatchObject({ ok: false, error: { code: 'attachment_too_large' } });
    expect(large.error?.message).toMatch(/attachment report.pdf is \d+ bytes, over the limit of 1000 bytes/);
    expect(slack.requests.length).toBe(requests);
  });
});

describe('jira attachments', () => {
  test('the created issue gets the files, multipart, byte for byte', async () => {
    const { pdf, command } = await runWithReport();
    const outcome = await perform(
      command('jira', { summary: 'Quarterly evidence', attachments: ['report.pdf'] }),
      claim(),
    );
    expect(outcome, JSON.stringify(outcome.error)).toMatchObject({ ok: true, destination: 'jira' });
    const output = outcome.output as {
      key: string;
      attachments: { name: string; id: string; sha256: string }[];
    };
    const issue = jira.issues.get(output.key);
    expect(issue?.attachments.map((a) => [a.filename, a.mimeType, a.size])).toEqual([
      ['report.pdf', 'application/pdf', pdf.length],
    ]);
    expect(issue?.attachments[0]?.sha256).toBe(sha256Hex(pdf));
    expect(output.attachments).toEqual([
      { name: 'report.pdf', sha256: sha256Hex(pdf), id: issue?.attachments[0]?.id },
    ]);
  });

  test('a comment step attaches to the issue it names', async () => {
    const { md, command } = await runWithReport();
    const created = await perform(command('jira', { summary: 'Follow-up' }), claim());
    const { key } = created.output as { key: string };
    const commented = await perform(
      command('jira', {
        action: 'comment',
        issue: key,
        comment: 'report attached',
        attachments: ['report.md'],
      }),
      claim(),
    );
    expect(commented).toMatchObject({ ok: true, output: { key } });
    expect(jira.issues.get(key)?.attachments.map((a) => a.sha256)).toEqual([sha256Hex(md)]);
  });

  test('a takeover of an upload whose answer was lost finds it on the issue instead of uploading again', async () => {
    const { command } = await runWithReport();
    const cmd = command('jira', { summary: 'Lost answer', attachments: ['report.pdf'] });
    const first = claim();
    const done = await perform(cmd, first);
    const { key } = done.output as { key: string };
    const effect = `jira:attachment:${key}:report.pdf`;
    expect(first.recorded[`${effect}:sent`]).toBe(true);
    // The previous holder sent the file but died before recording its id.
    const taken = await perform(cmd, claim({ [`${effect}:sent`]: true }));
    expect(taken).toMatchObject({ ok: true, output: { key, existing: true } });
    expect(jira.issues.get(key)?.attachments).toHaveLength(1);
    expect((taken.output as { attachments: { id: string }[] }).attachments[0]?.id).toBe(
      jira.issues.get(key)?.attachments[0]?.id,
    );
  });

  test('an unknown artifact fails the step before the issue is opened', async () => {
    const { command } = await runWithReport();
    const issues = jira.issues.size;
    const outcome = await perform(command('jira', { summary: 'x', attachments: ['nothing.pdf'] }), claim());
    expect(outcome).toMatchObject({ ok: false, tries: 0, error: { code: 'attachment_not_found' } });
    expect(jira.issues.size).toBe(issues);
  });
});
