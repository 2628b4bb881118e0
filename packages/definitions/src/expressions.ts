/**
 * Check every expression and template of a definition: it parses, it names only what its context has,
 * and every `steps.<id>` it reads is a step that can have run before it.
 */
import type { FieldError, Step, WorkflowDefinition } from '@riskloop/contracts';
import { analyzeExpression, analyzeTemplate } from '@riskloop/expr';
import { pathOf, type WalkedStep } from './walk.ts';

type Analysis = ReturnType<typeof analyzeExpression>;

const stepRoots = ['trigger', 'steps', 'vars', 'run', 'workflow', 'tenant', 'now'];

/** Fields of a step's parameters that are CEL expressions, not templates. */
const expressionFields: Partial<Record<Step['type'], string[][]>> = {
  evaluate: [['expression']],
  wait: [['event', 'condition']],
};

interface Scope {
  roots: readonly string[];
  /** Step ids that may be read; undefined when no step may be read at all. */
  before?: ReadonlySet<string>;
  allIds: ReadonlySet<string>;
}

function check(analysis: Analysis, path: (string | number)[], scope: Scope, errors: FieldError[]): void {
  const at = pathOf(path);
  if (!analysis.ok) {
    errors.push({ path: at, message: analysis.message });
    return;
  }
  for (const root of analysis.references.roots) {
    if (!scope.roots.includes(root)) {
      errors.push({
        path: at,
        message: `unknown name ${root}; here an expression can use ${scope.roots.join(', ')}`,
      });
    }
  }
  // Where `steps` is not a root at all, the unknown-name error already says so; one error per cause.
  if (!scope.roots.includes('steps')) return;
  for (const id of analysis.references.steps) {
    if (!scope.allIds.has(id)) errors.push({ path: at, message: `refers to unknown step ${id}` });
    else if (!scope.before?.has(id))
      errors.push({ path: at, message: `refers to step ${id}, which cannot have run yet` });
  }
}

function eachString(
  value: unknown,
  path: (string | number)[],
  visit: (text: string, path: (string | number)[]) => void,
): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => eachString(v, [...path, i], visit));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) eachString(v, [...path, k], visit);
  }
}

export function checkExpressions(
  definition: WorkflowDefinition,
  steps: WalkedStep[],
  errors: FieldError[],
): void {
  const allIds = new Set(steps.map((s) => s.step.id));
  definition.triggers.forEach((trigger, i) => {
    if ('condition' in trigger && trigger.condition !== undefined) {
      check(
        analyzeExpression(trigger.condition),
        ['triggers', i, 'condition'],
        { roots: ['trigger', 'tenant', 'now'], allIds },
        errors,
      );
    }
  });
  definition.conditions?.forEach((condition, i) => {
    check(
      analyzeExpression(condition),
      ['conditions', i],
      { roots: ['trigger', 'tenant', 'workflow', 'now'], allIds },
      errors,
    );
  });

  for (const { step, path, before } of steps) {
    const scope: Scope = { roots: stepRoots, before, allIds };
    if (step.if !== undefined) check(analyzeExpression(step.if), [...path, 'if'], scope, errors);
    if (step.type === 'branch') {
      step.branch.cases.forEach((c, i) =>
        check(analyzeExpression(c.if), [...path, 'branch', 'cases', i, 'if'], scope, errors),
      );
      continue;
    }
    if (step.type === 'parallel') continue;
    if (step.type === 'approval') {
      step.approval.approvers.forEach((a, i) => {
        if ('expression' in a)
          check(
            analyzeExpression(a.expression),
            [...path, 'approval', 'approvers', i, 'expression'],
            scope,
            errors,
          );
      });
    }
    const params = (step as unknown as Record<string, unknown>)[step.type];
    const plain = expressionFields[step.type] ?? [];
    eachString(params, [...path, step.type], (text, at) => {
      const relative = at.slice(path.length + 1).map(String);
      if (plain.some((field) => field.join('.') === relative.join('.'))) {
        const roots = step.type === 'wait' ? [...stepRoots, 'event'] : stepRoots;
        check(analyzeExpression(text), at, { ...scope, roots }, errors);
      } else if (!(step.type === 'approval' && relative[0] === 'approvers')) {
        check(analyzeTemplate(text), at, scope, errors);
      }
    });
  }
}
