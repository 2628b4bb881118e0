/**
 * CEL expressions (cel-js: a parser and tree-walking evaluator, no `eval`, no `Function`, no `vm`).
 * Parsed once and cached by source text; structural limits bound what a hostile expression can cost.
 *
 * JSON numbers are doubles in JavaScript, but CEL keeps `int` and `double` apart (`1.0 + 1` has no
 * overload). Context values that are whole numbers are therefore passed as CEL ints, and results are
 * turned back into plain JSON numbers.
 */
import { Environment } from '@marcbachmann/cel-js';
import { describeError, RiskloopError } from '@riskloop/kit';

const environment = new Environment({
  unlistedVariablesAreDyn: true,
  homogeneousAggregateLiterals: false,
  limits: {
    maxAstNodes: 2_000,
    maxDepth: 32,
    maxListElements: 1_000,
    maxMapEntries: 1_000,
    maxCallArguments: 32,
  },
});

export type CompiledExpression = (context: Record<string, unknown>) => unknown;

const cache = new Map<string, CompiledExpression>();
const cacheLimit = 10_000;

/** Parse `source` once; a syntax error is a `RiskloopError` with code `invalid_expression`. */
export function compileExpression(source: string): CompiledExpression {
  const cached = cache.get(source);
  if (cached) return cached;
  let evaluate: (context: Record<string, unknown>) => unknown;
  try {
    evaluate = environment.parse(source);
  } catch (error) {
    throw new RiskloopError(
      'invalid_expression',
      `cannot parse ${JSON.stringify(excerpt(source))}: ${describeError(error).slice(0, 500)}`,
      {
        status: 422,
        cause: error,
      },
    );
  }
  const compiled: CompiledExpression = (context) => {
    try {
      return fromCel(evaluate(toCel(context) as Record<string, unknown>));
    } catch (error) {
      throw new RiskloopError(
        'expression_failed',
        `${excerpt(source)}: ${describeError(error).slice(0, 500)}`,
        { cause: error },
      );
    }
  };
  if (cache.size >= cacheLimit) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

function toCel(value: unknown): unknown {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  }
  return value;
}

function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), fromCel(v)]));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromCel(v)]));
  }
  return value;
}

/** Error messages quote at most this much of an expression (a hostile one can be huge). */
function excerpt(source: string): string {
  return source.length > 120 ? `${source.slice(0, 120)}…` : source;
}
