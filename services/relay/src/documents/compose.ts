/**
 * A document's parts: the rendered Markdown template split at its `[[table:<name>]]` and `[[chart:<name>]]`
 * lines, tables turned into Markdown tables. Each output format (Markdown, HTML, PDF) walks the same parts.
 */
import { RiskloopError } from '@riskloop/kit';

export type Part =
  { type: 'markdown'; text: string } | { type: 'chart'; name: string; spec: Record<string, unknown> };

export interface DocumentInput {
  name: string;
  title?: string | undefined;
  template: string;
  tables?: Record<string, { rows: unknown; columns?: string[] | undefined }> | undefined;
  charts?: Record<string, Record<string, unknown>> | undefined;
}

const directive = /^\s*\[\[(table|chart):([a-z0-9_]{1,63})\]\]\s*$/;

const missing = (what: string, name: string) =>
  new RiskloopError(
    'document_invalid',
    `the template places ${what} ${name}, which the step does not define`,
    {
      retryable: false,
    },
  );

export function composeDocument(input: DocumentInput): Part[] {
  const parts: Part[] = [];
  let text: string[] = input.title ? [`# ${input.title}`, ''] : [];
  const flush = () => {
    if (text.join('').trim() !== '') parts.push({ type: 'markdown', text: text.join('\n') });
    text = [];
  };
  for (const line of input.template.split('\n')) {
    const match = directive.exec(line);
    if (!match) {
      text.push(line);
      continue;
    }
    const [, kind, name = ''] = match;
    if (kind === 'table') {
      const table = input.tables?.[name];
      if (!table) throw missing('table', name);
      text.push(markdownTable(name, table.rows, table.columns));
    } else {
      const spec = input.charts?.[name];
      if (!spec) throw missing('chart', name);
      flush();
      parts.push({ type: 'chart', name, spec });
    }
  }
  flush();
  return parts;
}

/** Rows (a list of objects) as a Markdown table; cells are escaped so a value cannot break the table. */
export function markdownTable(name: string, rows: unknown, columns?: string[]): string {
  if (!Array.isArray(rows)) {
    throw new RiskloopError('document_invalid', `table ${name}: rows must be a list, got ${typeof rows}`, {
      retryable: false,
    });
  }
  const objects = rows.map((r): Record<string, unknown> =>
    r !== null && typeof r === 'object' ? (r as Record<string, unknown>) : { value: r },
  );
  const cols = columns ?? Object.keys(objects[0] ?? {});
  if (cols.length === 0) return '_(no rows)_';
  const header = `| ${cols.map(cell).join(' | ')} |`;
  const rule = `| ${cols.map(() => '---').join(' | ')} |`;
  const body = objects.map((o) => `| ${cols.map((c) => cell(o[c])).join(' | ')} |`);
  return [header, rule, ...body].join('\n');
}

function cell(value: unknown): string {
  const text =
    value === undefined || value === null
      ? ''
      : typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : JSON.stringify(value);
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
