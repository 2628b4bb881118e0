/**
 * What one expression may cost. Parse-time limits reject a hostile expression before it runs; the
 * evaluation limits stop one that would run long or grow values without bound. README lists them.
 */
export const expressionLimits = {
  /** Characters in one expression source (after `{{ }}` is taken off). */
  maxSourceLength: 4_096,
  /** `{{ }}` templates in one string. */
  maxTemplatesPerString: 64,
  /** Nodes in the parsed expression. */
  maxAstNodes: 1_000,
  /** Nesting of the parsed expression (parentheses, member chains, calls). */
  maxDepth: 32,
  /** Elements in one list literal. */
  maxListElements: 500,
  /** Entries in one map literal. */
  maxMapEntries: 250,
  /** Arguments in one call. */
  maxCallArguments: 32,
  /**
   * Node evaluations in one evaluation, counting every comprehension step: a single pass over a
   * 10,000-item list with a small predicate fits; nested loops over big lists do not. About 15-40 ms.
   */
  maxEvaluationSteps: 250_000,
  /** Characters in a string, or elements in a list, produced at any step (stops exponential growth). */
  maxValueSize: 1_000_000,
} as const;

export type ExpressionLimits = typeof expressionLimits;
