/**
 * A workflow that uses remediation actions is saved only when each one is registered with the relay, and
 * an action that needs an approval comes after an `approval` step (the relay also refuses to call it in a
 * run without an approved approval). The relay not answering is a 503: saving waits rather than guesses.
 */
import { request, type BusConnection } from '@riskloop/bus';
import { remediationRpcs, type FieldError, type WorkflowDefinition } from '@riskloop/contracts';
import { walkSteps } from '@riskloop/definitions';
import { formatPath } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';

export function createRemediationCheck(bus: BusConnection) {
  return async (tenant: string, definition: WorkflowDefinition): Promise<void> => {
    const walked = walkSteps(definition);
    const uses = walked.flatMap((w) =>
      w.step.type === 'remediation' ? [{ ...w, action: w.step.remediation.action }] : [],
    );
    if (uses.length === 0) return;
    const names = [...new Set(uses.map((u) => u.action))];
    let registered: Map<string, boolean>;
    try {
      const reply = await request(bus, remediationRpcs.checkRemediationActions, tenant, { names });
      registered = new Map(reply.items.map((i) => [i.name, i.requiresApproval]));
    } catch (error) {
      throw RiskloopError.unavailable(
        'the relay did not answer: remediation actions cannot be checked now',
        error,
      );
    }
    const approvals = new Set(walked.filter((w) => w.step.type === 'approval').map((w) => w.step.id));
    const errors: FieldError[] = [];
    for (const use of uses) {
      const path = formatPath([...use.path, 'remediation', 'action']);
      const needsApproval = registered.get(use.action);
      if (needsApproval === undefined) {
        errors.push({
          path,
          message: `remediation action ${use.action} is not registered (PUT /api/remediation-actions/${use.action})`,
        });
      } else if (needsApproval && ![...use.before].some((id) => approvals.has(id))) {
        errors.push({
          path,
          message: `remediation action ${use.action} needs an approval: put an approval step before this step`,
        });
      }
    }
    const first = errors[0];
    if (first) throw RiskloopError.invalid(`${first.path}: ${first.message}`, first.path, { errors });
  };
}
