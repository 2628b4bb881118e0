/**
 * `{{ expr }}` interpolation. A string that is exactly one template yields the expression's value with its
 * type (a number stays a number); otherwise each template is rendered into the string. The closing `}}`
 * is found token by token, so `{{ {"a": {"b": 1}}.a.b }}` and `{{ "}}" }}` are one template each; a `{{`
 * without its `}}` is an error, never text.
 */
import { RiskloopError } from '@riskloop/kit';
import { compileExpression } from './cel.ts';
import { tokens } from './lexer.ts';
import { expressionLimits } from './limits.ts';

/** One `{{ }}`: the expression inside (trimmed) and the offset of its `{{`. */
export interface Placeholder {
  source: string;
  offset: number;
}

/** A string split into literal text and placeholders, in order. */
export type TemplateSegment = string | Placeholder;

const parsed = new Map<string, TemplateSegment[]>();
const cacheLimit = 2_000;

/**
 * Render every string inside `value` (objects and arrays are walked).
 * @example renderTemplate({ text: 'Hello {{ trigger.name }}' }, { trigger: { name: 'Ada' } })
 *   // { text: 'Hello Ada' }
 */
export function renderTemplate(value: unknown, context: Record<string, unknown>): unknown {
  if (typeof value === 'string') return renderString(value, context);
  if (Array.isArray(value)) return value.map((item) => renderTemplate(item, context));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderTemplate(v, context)]));
  }
  return value;
}

function renderString(text: string, context: Record<string, unknown>): unknown {
  if (!text.includes('{{')) return text;
  const segments = parseTemplate(text);
  const [only] = segments;
  if (segments.length === 1 && typeof only === 'object') return compileExpression(only.source)(context);
  return segments
    .map((s) => (typeof s === 'string' ? s : stringify(compileExpression(s.source)(context))))
    .join('');
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Every expression source inside `value` (strings, objects and arrays), for validation at definition time.
 * @example templateSources({ url: 'https://x.test/{{ trigger.queue }}' }) // ['trigger.queue']
 */
export function templateSources(value: unknown): string[] {
  if (typeof value === 'string') {
    return parseTemplate(value).flatMap((s) => (typeof s === 'string' ? [] : [s.source]));
  }
  if (Array.isArray(value)) return value.flatMap(templateSources);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(templateSources);
  return [];
}

/**
 * Split `text` into literal text and `{{ }}` placeholders (cached). An unclosed or empty `{{`, or more
 * than `maxTemplatesPerString` of them, is a `RiskloopError` with code `invalid_expression`.
 */
export function parseTemplate(text: string): TemplateSegment[] {
  if (!text.includes('{{')) return [text];
  const hit = parsed.get(text);
  if (hit) return hit;
  const segments = scan(text);
  if (parsed.size >= cacheLimit) parsed.delete(parsed.keys().next().value ?? '');
  parsed.set(text, segments);
  return segments;
}

function scan(text: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let at = 0;
  let count = 0;
  for (let open = text.indexOf('{{'); open >= 0; open = text.indexOf('{{', at)) {
    if (++count > expressionLimits.maxTemplatesPerString) {
      throw invalid(`more than ${expressionLimits.maxTemplatesPerString} "{{ }}" templates in one string`);
    }
    if (open > at) segments.push(text.slice(at, open));
    const close = closingBraces(text, open + 2);
    if (close < 0) throw invalid(`unclosed "{{" at offset ${open}: ${JSON.stringify(excerpt(text, open))}`);
    const source = text.slice(open + 2, close).trim();
    if (!source) throw invalid(`empty "{{ }}" at offset ${open}`);
    segments.push({ source, offset: open });
    at = close + 2;
  }
  if (at < text.length) segments.push(text.slice(at));
  return segments;
}

/** The offset of the `}}` that closes a template whose expression starts at `from`, or -1. */
function closingBraces(text: string, from: number): number {
  let depth = 0;
  for (const token of tokens(text, from)) {
    if (token.kind !== 'punct') continue;
    const c = text[token.start];
    if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    else if (c === '}' && text[token.start + 1] === '}') return token.start;
  }
  return -1;
}

function invalid(message: string): RiskloopError {
  return new RiskloopError('invalid_expression', message, { status: 422 });
}

function excerpt(text: string, from: number): string {
  const rest = text.slice(from);
  return rest.length > 40 ? `${rest.slice(0, 40)}…` : rest;
}
