/**
 * Result mappings: a KRI event definition with `from_result` turns a step's result into its event, with no
 * `emit_kri` step in the workflow (a webhook to the patch system answering "patch confirmed" decrements
 * `critical_cves_unpatched`). The runner publishes each result of a step another service executed; this
 * applies the tenant's result mappings to it and publishes the updates, claimed by the result's event id so
 * a redelivered result never produces a second update.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { CloudEvent, KriDefinitionView, KriEventRecord, StepResult } from '@riskloop/contracts';
import type { Outbox } from '@riskloop/db';
import { compileExpression } from '@riskloop/expr';
import { describeError, type Logger } from '@riskloop/kit';
import { amountOf, commitUpdates, recordOf } from './updates.ts';

export interface ResultMapperOptions {
  orm: MikroORM;
  outbox: Outbox;
  log: Logger;
  /** The tenant's definitions that have a result mapping (the registry answers). */
  mappingsOf: (tenant: string) => Promise<KriDefinitionView[]>;
}

/** Does the definition's result mapping take this result? */
export function matches(definition: KriDefinitionView, result: StepResult): boolean {
  const mapping = definition.from_result;
  if (!mapping) return false;
  if (mapping.kinds && !mapping.kinds.includes(result.kind)) return false;
  if (mapping.workflow && mapping.workflow !== result.workflowId) return false;
  if (mapping.step && mapping.step !== result.stepId) return false;
  return compileExpression(mapping.when)(resultScope(result)) === true;
}

/** What `from_result.when` sees. */
export const resultScope = (result: StepResult) => ({
  step: { id: result.stepId, kind: result.kind, output: result.output ?? null },
  workflow: { id: result.workflowId },
});

export function createResultMapper(options: ResultMapperOptions) {
  const { orm, outbox, log } = options;

  return {
    async handle(event: CloudEvent<StepResult>): Promise<void> {
      const tenant = event.tenantid;
      const result = event.data;
      const definitions = await options.mappingsOf(tenant);
      if (definitions.length === 0) return;
      const at = new Date();
      const step = resultScope(result).step;
      const records: KriEventRecord[] = [];
      for (const definition of definitions) {
        let taken: boolean;
        try {
          taken = matches(definition, result);
        } catch (error) {
          // a condition that reads a field this result lacks does not match it
          log.debug({ definition: definition.id, error: describeError(error) }, 'result mapping skipped');
          continue;
        }
        if (!taken) continue;
        const amount = amountOf(definition, { step });
        if (typeof amount === 'string') {
          log.warn({ definition: definition.id, runId: result.runId, stepId: result.stepId }, amount);
          continue;
        }
        records.push(recordOf(definition, { ...result, key: event.id, event: definition.event }, amount, at));
      }
      if (records.length === 0) return;
      await commitUpdates(orm, outbox, {
        tenant,
        key: event.id,
        runId: result.runId,
        stepId: result.stepId,
        status: 'mapped',
        records,
        attributes: { step_kind: result.kind },
        at,
      });
    },
  };
}
