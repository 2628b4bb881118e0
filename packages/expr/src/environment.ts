/**
 * The one CEL environment every expression is parsed and evaluated in. cel-js is a parser and a
 * tree-walking evaluator: no `eval`, no `Function`, no `vm`. Undeclared variables are `dyn` (the context
 * is JSON), aggregate literals may mix types, optional chaining (`a.?b.orValue(x)`) is on, and the
 * structural limits apply at parse time; on top of that come mixed int/double arithmetic (`numbers.ts`),
 * RE2 `matches` (`regex.ts`) and the evaluation budget (`meter.ts`).
 */
import { Environment } from '@marcbachmann/cel-js';
import { expressionLimits } from './limits.ts';
import { installMeter } from './meter.ts';
import { registerMixedNumbers } from './numbers.ts';
import { registerRe2Matches } from './regex.ts';

export const environment = new Environment({
  unlistedVariablesAreDyn: true,
  homogeneousAggregateLiterals: false,
  enableOptionalTypes: true,
  limits: {
    maxAstNodes: expressionLimits.maxAstNodes,
    maxDepth: expressionLimits.maxDepth,
    maxListElements: expressionLimits.maxListElements,
    maxMapEntries: expressionLimits.maxMapEntries,
    maxCallArguments: expressionLimits.maxCallArguments,
  },
});

registerMixedNumbers(environment);
registerRe2Matches(environment);

/** Evaluate within the budget of `expressionLimits`. */
export const meter = installMeter(environment, expressionLimits);
