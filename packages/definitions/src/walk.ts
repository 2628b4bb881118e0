/**
 * Walk a definition's steps in execution order, nested `branch` and `parallel` blocks included, with each
 * step's path (`steps[2].branch.cases[0].steps[1]`) and which other steps can have run before it.
 */
import { formatPath, type Step, type WorkflowDefinition } from '@riskloop/contracts';

export interface WalkedStep {
  step: Step;
  path: (string | number)[];
  /** The list the step sits in, and its index there. */
  siblings: Step[];
  index: number;
  /** Step ids that can have completed before this step starts. */
  before: ReadonlySet<string>;
}

export function walkSteps(definition: WorkflowDefinition): WalkedStep[] {
  const out: WalkedStep[] = [];
  const visit = (steps: Step[], base: (string | number)[], before: Set<string>): Set<string> => {
    const seen = new Set(before);
    steps.forEach((step, index) => {
      const path = [...base, index];
      out.push({ step, path, siblings: steps, index, before: new Set(seen) });
      const inner = new Set(seen);
      if (step.type === 'branch') {
        step.branch.cases.forEach((c, i) => {
          for (const id of visit(c.steps, [...path, 'branch', 'cases', i, 'steps'], seen)) inner.add(id);
        });
        if (step.branch.default) {
          for (const id of visit(step.branch.default, [...path, 'branch', 'default'], seen)) inner.add(id);
        }
      }
      if (step.type === 'parallel') {
        // Branches run side by side: one cannot rely on another's steps, but what follows sees them all.
        step.parallel.branches.forEach((b, i) => {
          for (const id of visit(b.steps, [...path, 'parallel', 'branches', i, 'steps'], seen)) inner.add(id);
        });
      }
      for (const id of inner) seen.add(id);
      seen.add(step.id);
    });
    return seen;
  };
  visit(definition.steps, ['steps'], new Set());
  return out;
}

export const pathOf = formatPath;
