export { validateDefinition } from './validate.ts';
export type { Validation } from './validate.ts';
export { walkSteps } from './walk.ts';
export type { WalkedStep } from './walk.ts';
export { parseYaml, toYaml, maxYamlBytes } from './yaml.ts';
export { dryRun } from './dry-run.ts';
export type { DryRunInput } from './dry-run.ts';
