/** A document as Markdown: the text as rendered, each chart as an inline SVG image (a data URI). */
import type { RenderedChart } from './chart.ts';
import type { Part } from './compose.ts';

export function renderMarkdown(parts: Part[], charts: Map<string, RenderedChart>): string {
  return `${parts
    .map((part) => {
      if (part.type === 'markdown') return part.text.trimEnd();
      const svg = charts.get(part.name)?.svg ?? '';
      return `![${part.name}](data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')})`;
    })
    .join('\n\n')}\n`;
}
