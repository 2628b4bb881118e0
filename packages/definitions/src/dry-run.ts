/**
 * A dry run: what a run of `definition` would do with `payload`, with no side effect anywhere. Which
 * triggers and conditions match, which steps would run or be skipped (their `if`), every templated
 * parameter rendered, and the KRI events that would be emitted. Step outputs cannot be known without
 * running: the caller may supply assumed `outputs`; otherwise they read as null.
 */
import type { DryRunReport, Step, WorkflowDefinition } from '@riskloop/contracts';
import { compileExpression, renderTemplate } from '@riskloop/expr';
import { describeError } from '@riskloop/kit';

export interface DryRunInput {
  payload: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  /** The time expressions see as `now` (ISO). */
  now?: string;
  tenant?: string;
  workflowId?: string;
  version?: number;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

function evaluate(source: string, scope: Record<string, unknown>): Outcome {
  try {
    return { ok: true, value: compileExpression(source)(scope) };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

export function dryRun(definition: WorkflowDefinition, input: DryRunInput): DryRunReport {
  const now = input.now ?? new Date().toISOString();
  const base = {
    trigger: input.payload,
    tenant: { id: input.tenant ?? 'dry-run' },
    workflow: { id: input.workflowId ?? 'dry-run', version: input.version ?? 0 },
    now,
  };

  const triggers = definition.triggers.map((trigger, index) => {
    if (!('condition' in trigger) || trigger.condition === undefined)
      return { index, type: trigger.type, matches: true };
    const outcome = evaluate(trigger.condition, base);
    return outcome.ok
      ? {
          index,
          type: trigger.type,
          matches: outcome.value === true,
          ...(outcome.value === true ? {} : { reason: `condition is ${JSON.stringify(outcome.value)}` }),
        }
      : { index, type: trigger.type, matches: false, reason: outcome.error };
  });
  const conditions = (definition.conditions ?? []).map((expression) => {
    const outcome = evaluate(expression, base);
    return outcome.ok
      ? { expression, holds: outcome.value === true }
      : { expression, holds: false, error: outcome.error };
  });
  const wouldStart = triggers.some((t) => t.matches) && conditions.every((c) => c.holds);

  const steps: DryRunReport['steps'] = [];
  const emits: DryRunReport['emits'] = [];
  const state: Record<string, { status: string; output: unknown }> = {};
  const vars: Record<string, unknown> = {};
  const scope = () => ({ ...base, steps: state, vars, run: { id: 'dry-run' } });
  const assumed = input.outputs ?? {};

  const notReached = (list: Step[], note: string) => {
    for (const step of list) {
      steps.push({ id: step.id, type: step.type, decision: 'not_reached', note });
      if (step.type === 'branch') {
        step.branch.cases.forEach((c) => notReached(c.steps, note));
        if (step.branch.default) notReached(step.branch.default, note);
      }
      if (step.type === 'parallel') step.parallel.branches.forEach((b) => notReached(b.steps, note));
    }
  };

  /** Walk a list; false when a `terminate` ended the run. */
  const walk = (list: Step[]): boolean => {
    for (const [i, step] of list.entries()) {
      if (step.if !== undefined) {
        const guard = evaluate(step.if, scope());
        if (!guard.ok || guard.value !== true) {
          steps.push({
            id: step.id,
            type: step.type,
            decision: 'skipped',
            ...(guard.ok ? { note: `if is ${JSON.stringify(guard.value)}` } : { error: guard.error }),
          });
          state[step.id] = { status: 'skipped', output: null };
          continue;
        }
      }
      if (step.type === 'branch') {
        const taken = step.branch.cases.findIndex((c) => {
          const o = evaluate(c.if, scope());
          return o.ok && o.value === true;
        });
        steps.push({
          id: step.id,
          type: step.type,
          decision: 'run',
          note: taken === -1 ? 'default path' : `case ${taken}`,
        });
        state[step.id] = { status: 'succeeded', output: { case: taken } };
        step.branch.cases.forEach((c, k) => k !== taken && notReached(c.steps, `case ${k} not taken`));
        const chosen = taken === -1 ? step.branch.default : step.branch.cases[taken]?.steps;
        if (taken !== -1 && step.branch.default) notReached(step.branch.default, 'default not taken');
        if (chosen && !walk(chosen)) return stop(list, i);
        continue;
      }
      if (step.type === 'parallel') {
        steps.push({ id: step.id, type: step.type, decision: 'run', note: `join ${step.parallel.join}` });
        state[step.id] = { status: 'succeeded', output: null };
        for (const branch of step.parallel.branches) walk(branch.steps);
        continue;
      }
      const params = (step as unknown as Record<string, unknown>)[step.type];
      let rendered: unknown;
      try {
        rendered = renderTemplate(params, scope());
      } catch (error) {
        steps.push({
          id: step.id,
          type: step.type,
          decision: 'run',
          error: `would fail: ${describeError(error)}`,
        });
        state[step.id] = { status: 'failed', output: null };
        if (step.on_error === 'continue') continue;
        return stop(list, i);
      }
      steps.push({ id: step.id, type: step.type, decision: 'run', input: rendered });
      state[step.id] = { status: 'succeeded', output: assumed[step.id] ?? null };
      if (step.type === 'set') Object.assign(vars, (rendered as { vars: Record<string, unknown> }).vars);
      if (step.type === 'evaluate') {
        const value = evaluate(step.evaluate.expression, scope());
        state[step.id] = {
          status: 'succeeded',
          output: step.id in assumed ? assumed[step.id] : value.ok ? value.value : null,
        };
      }
      if (step.type === 'emit_kri') {
        const e = rendered as { event: string; kri?: string; value?: unknown };
        emits.push({
          step: step.id,
          event: e.event,
          ...(e.kri ? { kri: e.kri } : {}),
          ...(e.value === undefined ? {} : { value: e.value }),
        });
      }
      if (step.type === 'terminate') return stop(list, i);
    }
    return true;
  };
  const stop = (list: Step[], at: number): false => {
    notReached(list.slice(at + 1), 'the run ends before it');
    return false;
  };

  if (wouldStart) walk(definition.steps);
  else notReached(definition.steps, 'no trigger or condition matches');
  return { triggers, conditions, wouldStart, steps, emits };
}
