/**
 * `{{ expr }}` interpolation. A string that is exactly one template yields the expression's value with its
 * type (a number stays a number); otherwise each template is rendered into the string.
 */
import { compileExpression } from './cel.ts';

const templatePattern = /\{\{\s*([\s\S]+?)\s*\}\}/g;
const wholeTemplate = /^\{\{\s*([\s\S]+?)\s*\}\}$/;

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
  const whole = wholeTemplate.exec(text);
  if (whole?.[1] && !whole[1].includes('{{')) return compileExpression(whole[1])(context);
  return text.replace(templatePattern, (_match, source: string) =>
    stringify(compileExpression(source)(context)),
  );
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

/** Every expression source inside `value`, for validation at definition time. */
export function templateSources(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(templatePattern)].map((m) => m[1] ?? '');
  if (Array.isArray(value)) return value.flatMap(templateSources);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(templateSources);
  return [];
}
