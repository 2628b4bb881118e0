/**
 * The evaluation budget. cel-js evaluates an expression by calling `evaluator.run(node, context)` for every
 * node, comprehension steps included. The evaluator is reached the way a macro reaches it (a macro's
 * `evaluate(evaluator, …)` hook, from cel-js's README), and its `run` is wrapped once: each call spends one
 * step of the budget, and a string, bytes or list that a step produced may not exceed `maxValueSize`.
 *
 * A limit that trips is remembered, so that an error absorbed by `||`, `&&` or `exists` (as CEL requires)
 * still fails the evaluation; once the budget is spent every further step fails at once, so the rest of
 * the evaluation unwinds quickly. `meter.test.ts` fails if an upgrade of cel-js stops routing through `run`.
 */
import type { Environment } from '@marcbachmann/cel-js';

interface Evaluator {
  run(node: unknown, context: unknown): unknown;
}

export interface MeterLimits {
  maxEvaluationSteps: number;
  maxValueSize: number;
}

export class ExpressionLimitError extends Error {
  override name = 'ExpressionLimitError';
}

/** Runs `evaluate` within the budget; throws `ExpressionLimitError` when a limit trips. */
export type Meter = <T>(evaluate: () => T) => T;

const captureFunction = '__riskloop_evaluator__';

/**
 * Install the budget on `environment` (once) and return the function that evaluates within it. Outside
 * that function the budget is zero, so an evaluation that bypasses it fails instead of running unbounded.
 */
export function installMeter(environment: Environment, limits: MeterLimits): Meter {
  const evaluator = captureEvaluator(environment);
  let remaining = 0;
  let overrun: ExpressionLimitError | undefined;
  const checkSize = (value: unknown) => {
    if (sizeOf(value) <= limits.maxValueSize) return;
    throw (overrun ??= new ExpressionLimitError(
      `produced a value of ${sizeOf(value)} elements or characters; the limit is ${limits.maxValueSize}`,
    ));
  };
  const run = evaluator.run.bind(evaluator);
  evaluator.run = (node, context) => {
    if (--remaining < 0) {
      throw (overrun ??= new ExpressionLimitError(
        `exceeded the evaluation budget of ${limits.maxEvaluationSteps} steps`,
      ));
    }
    const value = run(node, context);
    checkSize(value);
    return value;
  };
  const reset = (steps: number) => {
    remaining = steps;
    overrun = undefined;
  };
  return <T>(evaluate: () => T): T => {
    reset(limits.maxEvaluationSteps);
    try {
      // The root node is evaluated without `run`: its result is checked here.
      const result = evaluate();
      checkSize(result);
      if (overrun) throw overrun;
      return result;
    } catch (error) {
      if (overrun) throw overrun;
      throw error;
    } finally {
      reset(0);
    }
  };
}

function sizeOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value) || value instanceof Uint8Array) return value.length;
  return 0;
}

/** The environment's evaluator, through a macro that is evaluated once and unusable afterwards. */
function captureEvaluator(environment: Environment): Evaluator {
  let captured: Evaluator | undefined;
  environment.registerFunction(`${captureFunction}(ast): dyn`, () => ({
    typeCheck: (checker: { getType(name: string): unknown }) => checker.getType('dyn'),
    evaluate(evaluator: Evaluator) {
      if (captured) throw new Error(`no such function: ${captureFunction}`);
      captured = evaluator;
      return null;
    },
  }));
  environment.evaluate(`${captureFunction}(0)`);
  if (!captured || typeof captured.run !== 'function') {
    throw new Error('cannot install the expression budget: cel-js no longer hands macros its evaluator');
  }
  return captured;
}
