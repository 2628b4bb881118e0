/**
 * A `remediation` step: call the tenant's registered action, never anything else. Its parameters must
 * match the action's input schema; an action that needs an approval runs only when the run holds an
 * approved approval; the call is the signed webhook of the action's destination, with the step's
 * idempotency key; the answer must match the action's output schema when it declares one.
 */
import { durationMs, RemediationStep } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { firstProblem, validatorOf } from '../remediation/schemas.ts';
import { join, parseInput, type Connector, type ConnectorContext } from './context.ts';
import { sendWebhook } from './webhook.ts';

const Input = RemediationStep.shape.remediation;

const fail = (code: string, message: string) => new RiskloopError(code, message, { retryable: false });

async function requireApproval(context: ConnectorContext, action: string): Promise<void> {
  const run = await context.run();
  const approved = run.steps.some(
    (s) =>
      s.type === 'approval' &&
      s.status === 'succeeded' &&
      (s.output as { outcome?: unknown } | undefined)?.outcome === 'approved',
  );
  if (!approved) {
    throw fail(
      'approval_required',
      `remediation action ${action} needs an approval and this run has no approved approval step`,
    );
  }
}

export const remediation: Connector = async (raw, context) => {
  const input = parseInput(Input, raw);
  const action = await context.actions.find(context.tenant, input.action);
  if (!action) {
    throw fail(
      'remediation_action_unknown',
      `remediation action ${input.action} is not registered (PUT /api/remediation-actions/${input.action})`,
    );
  }
  const problem = firstProblem(validatorOf(action.input_schema, 'input_schema'), input.parameters);
  if (problem) throw fail('invalid_parameters', `parameters of ${action.name}: ${problem}`);
  if (action.requires_approval) await requireApproval(context, action.name);

  const destination = (await context.store.open(
    context.tenant,
    context.config,
    'webhook',
    action.destination,
  ))!;
  context.usedDestination(destination.name);
  const base = destination.config.type === 'webhook' ? destination.config.settings.url : undefined;
  if (!base) throw fail('destination_incomplete', `destination ${destination.name} has no url`);
  const url = action.path ? join(base, action.path) : base;
  const timeoutMs = durationMs(action.timeout);
  const answer = await sendWebhook(
    {
      url,
      method: action.method,
      body: {
        action: action.name,
        parameters: input.parameters,
        run: { id: context.exec.runId, step: context.exec.stepId, attempt: context.exec.attempt },
      },
    },
    destination,
    { ...context, exec: { ...context.exec, timeoutMs } },
    destination.name,
  );
  if (action.output_schema) {
    const wrong = firstProblem(validatorOf(action.output_schema, 'output_schema'), answer.body);
    if (wrong)
      throw fail(
        'invalid_response',
        `the answer of ${action.name} does not match its output schema: ${wrong}`,
      );
  }
  return { action: action.name, actionVersion: action.version, status: answer.status, response: answer.body };
};
