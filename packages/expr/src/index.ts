export { analyzeExpression, analyzeTemplate } from './analyze.ts';
export type { ExpressionAnalysis, ExpressionReferences } from './analyze.ts';
export { compileExpression } from './cel.ts';
export type { CompiledExpression } from './cel.ts';
export { expressionLimits } from './limits.ts';
export type { ExpressionLimits } from './limits.ts';
export { renderTemplate, templateSources } from './template.ts';
