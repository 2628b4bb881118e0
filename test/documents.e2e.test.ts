/**
 * Documents and evidence end to end: a run renders a report with a table and a Vega-Lite chart to PDF,
 * HTML and Markdown; the artifacts are listed on the run and downloaded with their hash as ETag; a later
 * email step attaches the PDF and the SMTP server receives exactly those bytes; an oversized document fails
 * its step with the limit in the message. The run's evidence pack verifies with the CLI, and flipping one
 * byte of it makes the CLI name the changed entry.
 */
import {
  fakeDestinations,
  runScript,
  startSmtpFake,
  usePlatform,
  waitFor,
  type SmtpFake,
} from '@riskloop/testkit';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let smtp: SmtpFake;
let dir: string;
beforeAll(async () => {
  smtp = await startSmtpFake();
  dir = await mkdtemp(join(tmpdir(), 'riskloop-evidence-'));
});
afterAll(async () => {
  await smtp.close();
  await rm(dir, { recursive: true, force: true });
});

const e2e = usePlatform({
  services: ['registry', 'trigger-router', 'runner', 'relay', 'kri-emitter', 'gateway'],
  targets: () => [`127.0.0.1:${smtp.port}`],
  env: { RELAY_ARTIFACT_MAX_BYTES: '100000' },
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const download = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${e2e.platform.gatewayUrl}${path}`, {
    headers: { authorization: `Bearer ${e2e.apiKey}`, ...headers },
  });
const pdfText = async (bytes: Uint8Array) => (await new PDFParse({ data: bytes }).getText()).text;

const report = {
  name: 'Weekly report',
  triggers: [{ type: 'manual' }],
  steps: [
    {
      id: 'figures',
      type: 'evaluate',
      evaluate: { expression: '[{"framework": "SOC2", "score": 91}, {"framework": "HIPAA", "score": 78}]' },
    },
    {
      id: 'report',
      type: 'document',
      document: {
        name: 'weekly_report',
        title: 'Compliance week {{ trigger.week }}',
        template:
          '## Scores\n\nWeek {{ trigger.week }}: {{ size(steps.figures.output) }} frameworks assessed.\n\n[[table:scores]]\n\n[[chart:scores_chart]]\n',
        tables: { scores: { rows: '{{ steps.figures.output }}', columns: ['framework', 'score'] } },
        charts: {
          scores_chart: {
            data: { values: '{{ steps.figures.output }}' },
            mark: 'bar',
            encoding: {
              x: { field: 'framework', type: 'nominal', title: 'Framework' },
              y: { field: 'score', type: 'quantitative', title: 'Score percent' },
            },
          },
        },
        formats: ['pdf', 'html', 'markdown'],
      },
    },
    {
      id: 'mail',
      type: 'email',
      email: {
        to: ['ciso@example.com'],
        subject: 'Compliance week {{ trigger.week }}',
        body: 'The report is attached.',
        attachments: ['weekly_report.pdf'],
      },
    },
  ],
};

async function start(definition: unknown, payload: Record<string, unknown>) {
  const created = await e2e.api('POST', '/api/workflows', { body: definition });
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  expect((await e2e.api('POST', `/api/workflows/${id}/activate`, { body: {} })).status).toBe(200);
  const started = await e2e.api('POST', `/api/workflows/${id}/run`, { body: payload });
  expect(started.status, started.text).toBe(202);
  const runId = started.body.runId as string;
  const run = await waitFor(
    async () => {
      const r = await e2e.api('GET', `/api/runs/${runId}`);
      return ['succeeded', 'failed', 'cancelled'].includes(r.body.status as string) ? r.body : undefined;
    },
    45_000,
    'the run to end',
  );
  return { runId, run };
}

let runId: string;
let run: any;

describe('document steps', () => {
  it('render a report with a table and a chart to PDF, HTML and Markdown, listed on the run', async () => {
    const put = await e2e.api('PUT', '/api/relay-config', {
      body: {
        destinations: fakeDestinations({ smtp }),
      },
    });
    expect(put.status, put.text).toBe(200);
    ({ runId, run } = await start(report, { week: 7 }));
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(run.artifacts.map((a: any) => [a.name, a.mediaType])).toEqual([
      ['weekly_report.html', 'text/html; charset=utf-8'],
      ['weekly_report.md', 'text/markdown; charset=utf-8'],
      ['weekly_report.pdf', 'application/pdf'],
    ]);
    const step = run.steps.find((s: any) => s.id === 'report');
    expect(step.output.artifacts).toHaveLength(3);
  });

  it('downloads a PDF whose hash is its ETag, with the text, the table and the chart inside', async () => {
    const listed = run.artifacts.find((a: any) => a.name === 'weekly_report.pdf');
    const answer = await download(`/api/runs/${runId}/artifacts/weekly_report.pdf`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await answer.arrayBuffer());
    expect(bytes.length).toBe(listed.size);
    expect(sha256(bytes)).toBe(listed.sha256);
    expect(answer.headers.get('etag')).toBe(`"${listed.sha256}"`);
    const text = await pdfText(bytes);
    expect(text).toContain('Compliance week 7');
    expect(text).toContain('Week 7: 2 frameworks assessed.');
    expect(text).toMatch(/HIPAA\s+78/);
    // The chart's axis titles are drawn from its SVG.
    expect(text).toContain('Score percent');
    const again = await download(`/api/runs/${runId}/artifacts/weekly_report.pdf`, {
      'if-none-match': `"${listed.sha256}"`,
    });
    expect(again.status).toBe(304);
  });

  it('serves HTML sandboxed with the chart inline, and 404s an artifact that does not exist', async () => {
    const html = await download(`/api/runs/${runId}/artifacts/weekly_report.html`);
    expect(html.headers.get('content-security-policy')).toBe('sandbox');
    expect(await html.text()).toContain('<svg');
    expect((await download(`/api/runs/${runId}/artifacts/nothing.pdf`)).status).toBe(404);
  });

  it('attaches the PDF to the email: the SMTP server receives the same bytes', () => {
    const mail = smtp.mails.find((m) => m.subject === 'Compliance week 7');
    expect(mail?.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['weekly_report.pdf', 'application/pdf'],
    ]);
    const listed = run.artifacts.find((a: any) => a.name === 'weekly_report.pdf');
    expect(sha256(mail!.attachments[0]!.content)).toBe(listed.sha256);
  });

  it('fails a document larger than the limit with the limit in the message, storing nothing', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      control: `control-${i}`,
      owner: 'grc@example.com',
    }));
    const big = {
      name: 'Big report',
      triggers: [{ type: 'manual' }],
      steps: [
        {
          id: 'big',
          type: 'document',
          document: {
            name: 'big',
            template: '[[table:controls]]',
            tables: { controls: { rows: '{{ trigger.rows }}' } },
            formats: ['markdown'],
          },
        },
      ],
    };
    const { runId: bigRun, run: failed } = await start(big, { rows });
    expect(failed.status).toBe('failed');
    const step = failed.steps.find((s: any) => s.id === 'big');
    expect(step.error.code).toBe('artifact_too_large');
    expect(step.error.message).toMatch(/over the limit of 100000 bytes/);
    expect((await e2e.api('GET', `/api/runs/${bigRun}/artifacts`)).body.items).toEqual([]);
  });
});

describe('evidence packs', () => {
  const verify = (...args: string[]) =>
    runScript('services/gateway/src/cli/main.ts', ['evidence', 'verify', ...args], e2e.platform.env);

  it('verify with the CLI, against the published tenant key', async () => {
    const answer = await e2e.api('GET', `/api/runs/${runId}/evidence`);
    expect(answer.status, answer.text).toBe(200);
    const pack = answer.body;
    const kinds = pack.entries.map((e: any) => `${e.kind}:${e.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'trigger:manual',
        'path:path',
        'step:figures',
        'step:report',
        'step:mail',
        'delivery:mail:1',
        'artifact:weekly_report.pdf',
      ]),
    );
    expect(kinds[0]).toMatch(/^workflow_version:/);
    expect(kinds).toContain(`change_log:${pack.entries[1].name as string}`);
    const artifact = pack.entries.find((e: any) => e.name === 'weekly_report.pdf');
    expect(artifact.data.sha256).toBe(run.artifacts.find((a: any) => a.name === 'weekly_report.pdf').sha256);

    const key = await e2e.api('GET', '/api/evidence/public-key');
    expect(key.body).toEqual(pack.publicKey);
    await writeFile(join(dir, 'pack.json'), answer.text);
    await writeFile(join(dir, 'key.json'), key.text);
    const ok = await verify(join(dir, 'pack.json'), '--key', join(dir, 'key.json'));
    expect(ok.code, ok.stderr + ok.stdout).toBe(0);
    expect(ok.stdout).toContain(`ok: ${pack.entries.length as number} entries`);
  });

  it('fails verification when one byte changes, naming the changed entry', async () => {
    const text = await readFile(join(dir, 'pack.json'), 'utf8');
    const pack = JSON.parse(text);
    const index = pack.entries.findIndex((e: any) => e.kind === 'step' && e.name === 'mail');
    // One byte inside that entry's data: the accepted address's first letter.
    const at = text.indexOf('"ciso@example.com"', text.indexOf('"kind":"step","name":"mail"'));
    expect(at).toBeGreaterThan(0);
    const tampered = `${text.slice(0, at + 1)}C${text.slice(at + 2)}`;
    expect(tampered.length).toBe(text.length);
    await writeFile(join(dir, 'tampered.json'), tampered);
    const failed = await verify(join(dir, 'tampered.json'));
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`FAILED: entry #${index} step:mail was changed`);
  });

  it('has a PDF summary that names the run and the chain head', async () => {
    const answer = await download(`/api/runs/${runId}/evidence/summary.pdf`);
    expect(answer.headers.get('content-type')).toBe('application/pdf');
    const head = answer.headers.get('x-evidence-head') ?? '';
    expect(head).toMatch(/^[0-9a-f]{64}$/);
    const text = await pdfText(new Uint8Array(await answer.arrayBuffer()));
    expect(text).toContain(runId);
    expect(text).toContain(head);
  });
});
