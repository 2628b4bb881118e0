import { PDFParse } from 'pdf-parse';
import { describe, expect, test } from 'vitest';
import { composeDocument, markdownTable } from './compose.ts';
import { renderDocument } from './render.ts';

const chart = {
  data: {
    values: [
      { framework: 'SOC2', score: 91 },
      { framework: 'HIPAA', score: 78 },
    ],
  },
  mark: 'bar',
  encoding: {
    x: { field: 'framework', type: 'nominal', title: 'Framework axis' },
    y: { field: 'score', type: 'quantitative' },
  },
};

const input = {
  name: 'weekly',
  title: 'Weekly compliance',
  template:
    '## Scores\n\nTwo frameworks **scored**.\n\n[[table:scores]]\n\n[[chart:scores_chart]]\n\n- done\n',
  tables: { scores: { rows: chart.data.values } },
  charts: { scores_chart: chart },
};

describe('document rendering', () => {
  test('a PDF holds the text, the table cells and the chart labels', async () => {
    const [pdf] = await renderDocument(input, ['pdf'], new Date('2026-01-01T00:00:00Z'));
    expect(pdf!.name).toBe('weekly.pdf');
    expect(pdf!.content.subarray(0, 5).toString()).toBe('%PDF-');
    const text = (await new PDFParse({ data: new Uint8Array(pdf!.content) }).getText()).text;
    expect(text).toContain('Weekly compliance');
    expect(text).toContain('Two frameworks scored.');
    expect(text).toMatch(/SOC2\s+91/);
    // The chart's axis title is drawn as text from the SVG.
    expect(text).toContain('Framework axis');
  });

  test('HTML inlines the chart as SVG and does not pass raw HTML through', async () => {
    const [html] = await renderDocument(
      { ...input, template: `<script>alert(1)</script>\n\n${input.template}` },
      ['html'],
      new Date(),
    );
    const page = html!.content.toString();
    expect(page).toContain('<svg');
    expect(page).toContain('<td>HIPAA</td>');
    expect(page).not.toContain('<script>');
  });

  test('Markdown keeps the table and embeds the chart as an SVG data URI', async () => {
    const [md] = await renderDocument(input, ['markdown'], new Date());
    const text = md!.content.toString();
    expect(text).toContain('| framework | score |');
    expect(text).toContain('![scores_chart](data:image/svg+xml;base64,');
  });

  test('a table cell cannot break out of its table', () => {
    expect(markdownTable('t', [{ a: 'x | y\nz' }])).toBe('| a |\n| --- |\n| x \\| y z |');
  });

  test('a placed table or chart the step does not define is a clear error', () => {
    expect(() => composeDocument({ name: 'd', template: '[[chart:nope]]' })).toThrow(
      /places chart nope, which the step does not define/,
    );
  });

  test('a chart that loads data from a URL draws nothing from it and fails', async () => {
    await expect(
      renderDocument(
        {
          name: 'd',
          template: '[[chart:c]]',
          charts: { c: { data: { url: 'http://169.254.169.254/latest' }, mark: 'bar' } },
        },
        ['html'],
        new Date(),
      ),
    ).rejects.toThrow(/chart c:/);
  });
});
