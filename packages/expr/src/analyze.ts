/**
 * Static analysis for definition validation: does an expression (or every `{{ }}` of a string) parse and
 * type-check, which context roots does it read (`trigger`, `steps`, `vars`, …), and which steps does it
 * name as `steps.<id>`, `steps["<id>"]` or `steps.?<id>`. A step read by a computed key (`steps[vars.k]`)
 * cannot be known statically and is not listed. Comprehension variables (`xs.exists(x, …)`) and
 * `cel.bind` names are not roots; neither are CEL's own constants (`int`, `cel`, `optional`, …).
 */
import type { ASTNode } from '@marcbachmann/cel-js';
import { describeError, isRiskloopError } from '@riskloop/kit';
import { parseExpression } from './cel.ts';
import { environment } from './environment.ts';
import { parseTemplate } from './template.ts';

export interface ExpressionReferences {
  /** Context roots read, in order of first appearance. */
  roots: string[];
  /** Step ids read as `steps.<id>`, in order of first appearance. */
  steps: string[];
}

export type ExpressionAnalysis =
  { ok: true; references: ExpressionReferences } | { ok: false; message: string };

/** Macros whose first argument names an iteration variable for the remaining arguments. */
const comprehensions = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/**
 * Parse `source` (with the `and`/`or`/`not` aliases) and list what it reads.
 * @example analyzeExpression('steps.assess.output.level >= 2 and trigger.kri in vars.watched')
 *   // { ok: true, references: { roots: ['steps', 'trigger', 'vars'], steps: ['assess'] } }
 */
export function analyzeExpression(source: string): ExpressionAnalysis {
  let ast: ASTNode;
  try {
    ast = parseExpression(source);
  } catch (error) {
    return failure(error);
  }
  const references = { roots: new Set<string>(), steps: new Set<string>() };
  walk(ast, new Set(), references);
  return { ok: true, references: { roots: [...references.roots], steps: [...references.steps] } };
}

/**
 * Analyse every `{{ }}` in `text`; a string without templates reads nothing. An unclosed `{{` is an error.
 * @example analyzeTemplate('Ticket {{ steps.open.output.id }} for {{ trigger.name }}')
 *   // { ok: true, references: { roots: ['steps', 'trigger'], steps: ['open'] } }
 */
export function analyzeTemplate(text: string): ExpressionAnalysis {
  let segments;
  try {
    segments = parseTemplate(text);
  } catch (error) {
    return failure(error);
  }
  const roots = new Set<string>();
  const steps = new Set<string>();
  for (const segment of segments) {
    if (typeof segment === 'string') continue;
    const analysis = analyzeExpression(segment.source);
    if (!analysis.ok)
      return { ok: false, message: `in "{{ }}" at offset ${segment.offset}: ${analysis.message}` };
    analysis.references.roots.forEach((r) => roots.add(r));
    analysis.references.steps.forEach((s) => steps.add(s));
  }
  return { ok: true, references: { roots: [...roots], steps: [...steps] } };
}

function failure(error: unknown): ExpressionAnalysis {
  if (isRiskloopError(error) && error.code === 'invalid_expression')
    return { ok: false, message: describeError(error) };
  throw error;
}

interface Found {
  roots: Set<string>;
  steps: Set<string>;
}

function walk(node: ASTNode, bound: ReadonlySet<string>, found: Found): void {
  switch (node.op) {
    case 'id':
      if (!bound.has(node.args) && !environment.hasVariable(node.args)) found.roots.add(node.args);
      return;
    case 'value':
      return;
    case '.':
    case '.?':
      if (isSteps(node.args[0], bound)) found.steps.add(node.args[1]);
      walk(node.args[0], bound, found);
      return;
    case '[]':
    case '[?]': {
      const [target, index] = node.args;
      if (isSteps(target, bound) && index.op === 'value' && typeof index.args === 'string')
        found.steps.add(index.args);
      walk(target, bound, found);
      walk(index, bound, found);
      return;
    }
    case 'call':
      node.args[1].forEach((arg) => walk(arg, bound, found));
      return;
    case 'rcall':
      walkMethodCall(node.args, bound, found);
      return;
    case 'map':
      node.args.forEach(([key, value]) => (walk(key, bound, found), walk(value, bound, found)));
      return;
    case '!_':
    case '-_':
      walk(node.args, bound, found);
      return;
    default:
      node.args.forEach((arg) => walk(arg, bound, found));
  }
}

function walkMethodCall(
  [name, receiver, args]: [string, ASTNode, ASTNode[]],
  bound: ReadonlySet<string>,
  found: Found,
): void {
  const [first, ...rest] = args;
  if (comprehensions.has(name) && first?.op === 'id' && rest.length > 0) {
    walk(receiver, bound, found);
    const inner = new Set(bound).add(first.args);
    rest.forEach((arg) => walk(arg, inner, found));
    return;
  }
  if (
    name === 'bind' &&
    receiver.op === 'id' &&
    receiver.args === 'cel' &&
    first?.op === 'id' &&
    rest.length === 2
  ) {
    const [value, body] = rest as [ASTNode, ASTNode];
    walk(value, bound, found);
    walk(body, new Set(bound).add(first.args), found);
    return;
  }
  walk(receiver, bound, found);
  args.forEach((arg) => walk(arg, bound, found));
}

function isSteps(node: ASTNode, bound: ReadonlySet<string>): boolean {
  return node.op === 'id' && node.args === 'steps' && !bound.has('steps');
}
