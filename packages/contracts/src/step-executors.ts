/**
 * Which service executes each step kind that the runner does not complete itself. The runner dispatches a
 * kind listed here as a step command (`StepCommand`) on `step.exec.<kind>.<tenant>`; the owning service
 * consumes `step.exec.<kind>.*` from the STEPS stream and answers with `riskloop.step.succeeded` or
 * `riskloop.step.failed` on `run.event.<tenant>.<run>`. A kind neither listed here nor owned by the runner
 * fails its step at once with `step_kind_unavailable`, never a hang. Add a kind in the same change that
 * makes its service consume it.
 */
import type { StepKind } from './steps.ts';

export type StepExecutor = 'relay' | 'kri-emitter' | 'interview' | 'runner';

export const stepExecutors: Partial<Record<StepKind, StepExecutor>> = {
  webhook: 'relay',
  expert_panel: 'interview',
  emit_kri: 'kri-emitter',
  notify: 'relay',
  slack: 'relay',
  teams: 'relay',
  email: 'relay',
  jira: 'relay',
  servicenow: 'relay',
  pagerduty: 'relay',
  /** Reads of riskloop's own records: the runner consumes these commands like any executing service. */
  query: 'runner',
  document: 'relay',
  remediation: 'relay',
};

/** The service that executes `kind`, if one does. */
export function stepExecutorOf(kind: string): StepExecutor | undefined {
  return Object.hasOwn(stepExecutors, kind) ? stepExecutors[kind as StepKind] : undefined;
}
