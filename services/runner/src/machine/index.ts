export { compileWorkflow } from './compile.ts';
export type { RunMachine } from './compile.ts';
export { approverFor, eligibleApprovers } from './approvals.ts';
export type { ApprovalState, Change, Decision, Effect, RunContext, RunEvent, RunInput } from './types.ts';
import type { Effect } from './types.ts';

/** The `dispatch` effects among a transition's actions (what tests and tools usually look at). */
export function dispatchesOf(actions: readonly { type: string; params?: unknown }[]) {
  return actions
    .filter((a) => a.type === 'effect')
    .map((a) => a.params as Effect)
    .filter((e): e is Extract<Effect, { type: 'dispatch' }> => e.type === 'dispatch');
}
