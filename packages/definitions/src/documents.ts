/**
 * Rules of `document` steps: every `[[table:x]]` and `[[chart:x]]` line of the template names a table or
 * chart the step defines, and every chart is a plausible Vega-Lite spec with inline data. The structural
 * check here keeps Vega-Lite (1 s to import) out of every service; the relay compiles the spec when it
 * renders, and a spec it cannot draw fails that step with `chart_failed`.
 */
import type { FieldError, Step } from '@riskloop/contracts';

type DocumentStep = Extract<Step, { type: 'document' }>;

const directive = /^\s*\[\[(table|chart):([^\]]*)\]\]\s*$/;
const compositions = ['layer', 'facet', 'hconcat', 'vconcat', 'concat', 'repeat'];
const marks = new Set([
  'arc',
  'area',
  'bar',
  'boxplot',
  'circle',
  'errorband',
  'errorbar',
  'geoshape',
  'image',
  'line',
  'point',
  'rect',
  'rule',
  'square',
  'text',
  'tick',
  'trail',
]);
const fieldTypes = new Set(['quantitative', 'ordinal', 'nominal', 'temporal', 'geojson']);

export function checkDocument(
  step: DocumentStep,
  at: (...rest: (string | number)[]) => string,
  errors: FieldError[],
) {
  const { template, tables = {}, charts = {} } = step.document;
  template.split('\n').forEach((line, i) => {
    const match = directive.exec(line);
    if (!match) return;
    const [, kind, name = ''] = match;
    const defined = kind === 'table' ? tables : charts;
    if (!Object.hasOwn(defined, name)) {
      errors.push({
        path: at('document', 'template'),
        message: `line ${i + 1} places ${kind} ${name}, which is not in document.${kind}s`,
      });
    }
  });
  for (const [name, spec] of Object.entries(charts)) {
    const problem = chartProblem(spec);
    if (problem) errors.push({ path: at('document', 'charts', name), message: problem });
  }
}

/** Why `spec` is not a Vega-Lite spec riskloop can draw, or undefined. */
export function chartProblem(spec: Record<string, unknown>, depth = 0): string | undefined {
  if (depth === 0) {
    const url = findKey(spec, 'url');
    if (url) return `${url}: charts take inline data (data.values), never a URL`;
  }
  const composed = compositions.find((k) => k in spec);
  if (composed) return undefined;
  const mark = spec.mark;
  const markType = typeof mark === 'object' && mark !== null ? (mark as { type?: unknown }).type : mark;
  if (markType === undefined) {
    return 'a Vega-Lite spec needs a mark (or layer, facet, concat, repeat)';
  }
  if (typeof markType !== 'string' || !marks.has(markType)) {
    return `unknown mark ${JSON.stringify(markType)}; one of ${[...marks].join(', ')}`;
  }
  const encoding = spec.encoding;
  if (
    encoding !== undefined &&
    (typeof encoding !== 'object' || encoding === null || Array.isArray(encoding))
  ) {
    return 'encoding must be an object of channels';
  }
  for (const [channel, def] of Object.entries((encoding ?? {}) as Record<string, unknown>)) {
    const type = typeof def === 'object' && def !== null ? (def as { type?: unknown }).type : undefined;
    if (type !== undefined && (typeof type !== 'string' || !fieldTypes.has(type))) {
      return `encoding.${channel}.type ${JSON.stringify(type)} is not one of ${[...fieldTypes].join(', ')}`;
    }
  }
  return undefined;
}

function findKey(value: unknown, key: string, path = 'spec'): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findKey(item, key, `${path}[${i}]`);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, item] of Object.entries(value)) {
      if (k === key) return `${path}.${k}`;
      const found = findKey(item, key, `${path}.${k}`);
      if (found) return found;
    }
  }
  return undefined;
}
