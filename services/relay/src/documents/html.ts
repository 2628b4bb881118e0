/**
 * A document as one self-contained HTML page. Raw HTML in the template is not passed through (markdown-it
 * with `html: false`): values interpolated from a trigger payload cannot inject markup or scripts. Charts
 * are Vega's SVG, inlined.
 */
import MarkdownIt from 'markdown-it';
import type { RenderedChart } from './chart.ts';
import type { Part } from './compose.ts';

const md = new MarkdownIt({ html: false, linkify: false });

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const style = `body{font-family:Helvetica,Arial,sans-serif;max-width:52em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:.3em .6em;text-align:left}
figure{margin:1.5em 0}`;

export function renderHtml(title: string, parts: Part[], charts: Map<string, RenderedChart>): string {
  const body = parts
    .map((part) =>
      part.type === 'markdown'
        ? md.render(part.text)
        : `<figure class="chart" data-chart="${escape(part.name)}">${charts.get(part.name)?.svg ?? ''}</figure>\n`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>${style}</style></head>
<body>
${body}</body></html>
`;
}
