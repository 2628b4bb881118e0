/**
 * Steps the runner completes itself, inside the transition that enters them (pure: no I/O, time from the
 * event): `set` assigns run variables, `evaluate` computes a value, `terminate` ends the run.
 */
import type { Step } from '@riskloop/contracts';
import { compileExpression, renderTemplate } from '@riskloop/expr';

export const runnerKinds: ReadonlySet<string> = new Set(['set', 'evaluate', 'terminate']);

export interface Completed {
  input: Record<string, unknown>;
  output: unknown;
  /** Variables to merge into `vars` (from `set`). */
  vars?: Record<string, unknown>;
  /** How the run ends (from `terminate`). */
  end?: { status: 'succeeded' | 'failed' | 'cancelled'; reason?: string };
}

/** Complete a runner-owned step; throws (a template or expression error) to fail it. */
export function completeStep(step: Step, scope: Record<string, unknown>): Completed {
  switch (step.type) {
    case 'set': {
      const vars = renderTemplate(step.set.vars, scope) as Record<string, unknown>;
      return { input: { vars }, output: vars, vars };
    }
    case 'evaluate':
      return {
        input: { expression: step.evaluate.expression },
        output: compileExpression(step.evaluate.expression)(scope),
      };
    case 'terminate': {
      const input = renderTemplate(step.terminate, scope) as {
        status: 'succeeded' | 'failed' | 'cancelled';
        reason?: string;
      };
      return { input, output: input, end: input };
    }
    default:
      throw new Error(`${step.type} is not completed by the runner`);
  }
}
