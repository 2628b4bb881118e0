export { compileExpression } from './cel.ts';
export type { CompiledExpression } from './cel.ts';
export { renderTemplate, templateSources } from './template.ts';
