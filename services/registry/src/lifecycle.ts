/**
 * The lifecycle of the seeds: draft -> active; active <-> paused (pausing stops the triggers, in-flight
 * runs finish); any -> archived (read-only, kept for audit). Anything else is a 409 with the reason.
 */
import type { WorkflowStatus } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';

export type LifecycleAction = 'activate' | 'pause' | 'archive';

const allowed: Record<
  LifecycleAction,
  { from: readonly WorkflowStatus[]; to: WorkflowStatus; past: 'activated' | 'paused' | 'archived' }
> = {
  activate: { from: ['draft', 'paused'], to: 'active', past: 'activated' },
  pause: { from: ['active'], to: 'paused', past: 'paused' },
  archive: { from: ['draft', 'active', 'paused'], to: 'archived', past: 'archived' },
};

/** The status an action leads to from `current`, or a conflict explaining why not. */
export function transitionOf(current: WorkflowStatus, action: LifecycleAction) {
  const rule = allowed[action];
  if (!rule.from.includes(current)) {
    const hint =
      current === 'archived'
        ? 'an archived workflow is read-only'
        : `${action} applies to ${rule.from.join(' or ')} workflows`;
    throw RiskloopError.conflict(`cannot ${action} a ${current} workflow: ${hint}`);
  }
  return { to: rule.to, past: rule.past };
}
