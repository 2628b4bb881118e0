export { invalidDefinitions, definition as validDefinition } from './invalid-definitions.ts';
