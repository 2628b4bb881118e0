/**
 * Render a `document` step: compose its parts, draw its charts once, and produce each requested format as
 * bytes named `<name>.md`, `<name>.html`, `<name>.pdf`.
 */
import { renderChart, type RenderedChart } from './chart.ts';
import { composeDocument, type DocumentInput } from './compose.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { renderPdf } from './pdf.ts';

export type DocumentFormat = 'markdown' | 'html' | 'pdf';

export interface RenderedFile {
  name: string;
  content: Buffer;
}

const extensions: Record<DocumentFormat, string> = { markdown: 'md', html: 'html', pdf: 'pdf' };

export async function renderDocument(
  input: DocumentInput,
  formats: DocumentFormat[],
  createdAt: Date,
): Promise<RenderedFile[]> {
  const parts = composeDocument(input);
  const charts = new Map<string, RenderedChart>();
  for (const part of parts) {
    if (part.type === 'chart' && !charts.has(part.name))
      charts.set(part.name, await renderChart(part.name, part.spec));
  }
  const title = input.title ?? input.name;
  const files: RenderedFile[] = [];
  for (const format of new Set(formats)) {
    const content =
      format === 'markdown'
        ? Buffer.from(renderMarkdown(parts, charts))
        : format === 'html'
          ? Buffer.from(renderHtml(title, parts, charts))
          : await renderPdf(title, parts, charts, createdAt);
    files.push({ name: `${input.name}.${extensions[format]}`, content });
  }
  return files;
}
