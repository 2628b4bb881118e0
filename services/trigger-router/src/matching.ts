/**
 * Does a payload start a workflow? A trigger of the right kind whose `condition` holds, then every
 * workflow-level `condition`. Pure: the expressions see `trigger` (the payload), `tenant`, `workflow` and
 * `now`. An expression that fails to evaluate (a missing field) does not match.
 */
import type { Trigger, WorkflowDefinition } from '@riskloop/contracts';
import { compileExpression } from '@riskloop/expr';

export interface MatchScope {
  tenant: string;
  workflowId: string;
  version: number;
  now: Date;
}

const holds = (expression: string, scope: Record<string, unknown>): boolean => {
  try {
    return compileExpression(expression)(scope) === true;
  } catch {
    return false;
  }
};

/** True when one of `definition`'s triggers accepted by `select` and all its conditions hold for `payload`. */
export function startsRun(
  definition: WorkflowDefinition,
  select: (trigger: Trigger) => boolean,
  payload: Record<string, unknown>,
  scope: MatchScope,
): boolean {
  const context = {
    trigger: payload,
    tenant: { id: scope.tenant },
    workflow: { id: scope.workflowId, version: scope.version },
    now: scope.now.toISOString(),
  };
  const triggered = definition.triggers.some(
    (t) => select(t) && (!('condition' in t) || t.condition === undefined || holds(t.condition, context)),
  );
  return triggered && (definition.conditions ?? []).every((c) => holds(c, context));
}

export const isBreachOf = (kri: string) => (t: Trigger) => t.type === 'kri_breach' && t.kri === kri;
export const isEventOf = (type: string) => (t: Trigger) => t.type === 'event' && t.event === type;
export const isWebhook = (t: Trigger) => t.type === 'webhook';
