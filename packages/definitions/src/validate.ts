/**
 * Validate a workflow definition: its shape (zod, unknown fields refused), then the rules that span
 * fields. Every error names its path (`steps[2].approval.timeout`), so an author (or the interview's
 * LLM) can fix exactly that place.
 */
import {
  durationMs,
  queryFilterKeys,
  QueryFilterValue,
  WorkflowDefinition,
  type FieldError,
  type Step,
} from '@riskloop/contracts';
import { Cron } from 'croner';
import { checkDocument } from './documents.ts';
import { checkExpressions } from './expressions.ts';
import { durationRules, outOfRange } from './limits.ts';
import { definitionErrorMap, shapeErrors } from './messages.ts';
import { pathOf, walkSteps, type WalkedStep } from './walk.ts';

export type Validation = { ok: true; definition: WorkflowDefinition } | { ok: false; errors: FieldError[] };

export function validateDefinition(input: unknown): Validation {
  const parsed = WorkflowDefinition.safeParse(input, { error: definitionErrorMap });
  if (!parsed.success) return { ok: false, errors: shapeErrors(parsed.error) };
  const definition = parsed.data;
  const steps = walkSteps(definition);
  const errors: FieldError[] = [];
  checkTriggers(definition, errors);
  checkIds(steps, errors);
  checkJumps(steps, errors);
  checkReachability(steps, errors);
  checkSteps(definition, steps, errors);
  checkExpressions(definition, steps, errors);
  return errors.length === 0 ? { ok: true, definition } : { ok: false, errors };
}

function checkTriggers(definition: WorkflowDefinition, errors: FieldError[]): void {
  definition.triggers.forEach((trigger, i) => {
    if (trigger.type !== 'schedule') return;
    try {
      new Cron(trigger.cron, { timezone: trigger.timezone, paused: true });
    } catch (error) {
      errors.push({
        path: `triggers[${i}].cron`,
        message: `invalid cron: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  });
  const manual = definition.triggers.filter((t) => t.type === 'manual').length;
  if (manual > 1) errors.push({ path: 'triggers', message: 'at most one manual trigger' });
}

function checkIds(steps: WalkedStep[], errors: FieldError[]): void {
  const seen = new Set<string>();
  for (const { step, path } of steps) {
    if (seen.has(step.id))
      errors.push({ path: pathOf([...path, 'id']), message: `duplicate step id ${step.id}` });
    seen.add(step.id);
  }
}

/** `on_error: { goto }` must name a step of the same list; a jump back is a loop and must say so. */
function checkJumps(steps: WalkedStep[], errors: FieldError[]): void {
  for (const { step, path, siblings, index } of steps) {
    const onError = step.on_error;
    if (onError === undefined || typeof onError === 'string') continue;
    const at = pathOf([...path, 'on_error', 'goto']);
    const target = siblings.findIndex((s) => s.id === onError.goto);
    if (target === -1) {
      const exists = steps.some((s) => s.step.id === onError.goto);
      errors.push({
        path: at,
        message: exists
          ? `${onError.goto} is not in the same step list; goto stays within its block`
          : `unknown step ${onError.goto}`,
      });
    } else if (target <= index && onError.max_loops === undefined) {
      errors.push({
        path: at,
        message: `a jump back to ${onError.goto} is a cycle; set max_loops to make it an explicit loop`,
      });
    }
  }
}

/** Steps after an unconditional `terminate` in the same list can never run. */
function checkReachability(steps: WalkedStep[], errors: FieldError[]): void {
  for (const { step, path, siblings, index } of steps) {
    if (step.type !== 'terminate' || step.if !== undefined) continue;
    const next = siblings[index + 1];
    // Only an `on_error` jump can reach it.
    const jumpedTo = siblings.some((s) => typeof s.on_error === 'object' && s.on_error.goto === next?.id);
    if (next && !jumpedTo) {
      errors.push({
        path: pathOf([...path.slice(0, -1), index + 1]),
        message: `unreachable: step ${step.id} always ends the run before it`,
      });
    }
  }
}

function checkSteps(definition: WorkflowDefinition, steps: WalkedStep[], errors: FieldError[]): void {
  const emits = new Set(definition.emits ?? []);
  for (const { step, path } of steps) {
    for (const rule of durationRules(step)) {
      const problem = outOfRange(rule);
      if (problem) errors.push({ path: pathOf([...path, ...rule.at]), message: problem });
    }
    if (step.retry && durationMs(step.retry.max) < durationMs(step.retry.initial)) {
      errors.push({
        path: pathOf([...path, 'retry', 'max']),
        message: 'retry max must be at least retry initial',
      });
    }
    checkStep(step, path, emits, errors);
  }
}

function checkStep(
  step: Step,
  path: (string | number)[],
  emits: ReadonlySet<string>,
  errors: FieldError[],
): void {
  const at = (...rest: (string | number)[]) => pathOf([...path, ...rest]);
  switch (step.type) {
    case 'emit_kri':
      if (!emits.has(step.emit_kri.event)) {
        errors.push({
          path: at('emit_kri', 'event'),
          message: `${step.emit_kri.event} is not declared in emits`,
        });
      }
      break;
    case 'approval': {
      const a = step.approval;
      if (a.mode === 'quorum' && a.quorum === undefined)
        errors.push({ path: at('approval', 'quorum'), message: 'a quorum approval needs quorum' });
      if (a.quorum !== undefined && a.mode !== 'quorum')
        errors.push({ path: at('approval', 'quorum'), message: 'quorum applies only to mode quorum' });
      if (a.quorum !== undefined && a.quorum > a.approvers.length && a.approvers.every((x) => 'user' in x)) {
        errors.push({
          path: at('approval', 'quorum'),
          message: `a quorum of ${a.quorum} exceeds the ${a.approvers.length} approvers`,
        });
      }
      if (a.on_timeout === 'escalate' && !a.escalate_to?.length) {
        errors.push({
          path: at('approval', 'escalate_to'),
          message: 'on_timeout escalate needs escalate_to',
        });
      }
      if (a.on_timeout !== 'reject' && a.timeout === undefined) {
        errors.push({
          path: at('approval', 'timeout'),
          message: `on_timeout ${a.on_timeout} needs a timeout`,
        });
      }
      break;
    }
    case 'jira': {
      const j = step.jira;
      const need: Record<typeof j.action, (keyof typeof j)[]> = {
        create: ['project', 'summary'],
        comment: ['issue', 'comment'],
        transition: ['issue', 'transition'],
      };
      for (const field of need[j.action]) {
        if (j[field] === undefined)
          errors.push({ path: at('jira', field), message: `a jira ${j.action} needs ${field}` });
      }
      break;
    }
    case 'servicenow':
      if (step.servicenow.action === 'update' && step.servicenow.sys_id === undefined) {
        errors.push({ path: at('servicenow', 'sys_id'), message: 'a servicenow update needs sys_id' });
      }
      break;
    case 'query':
      checkQuery(step.query, at, errors);
      break;
    case 'document':
      checkDocument(step, at, errors);
      break;
    default:
      break;
  }
}

/** Runs and approvals filter on known fields only; KRI events also on their attributes. */
function checkQuery(
  query: Extract<Step, { type: 'query' }>['query'],
  at: (...rest: (string | number)[]) => string,
  errors: FieldError[],
): void {
  const known = queryFilterKeys[query.source];
  for (const [key, value] of Object.entries(query.filter ?? {})) {
    if (query.source !== 'kri_events' && !known.includes(key))
      errors.push({
        path: at('query', 'filter', key),
        message: `${query.source} cannot be filtered by ${key}; use one of ${known.join(', ')}`,
      });
    if (!QueryFilterValue.safeParse(value).success)
      errors.push({
        path: at('query', 'filter', key),
        message: 'a filter value is a string, number, boolean or a list of them',
      });
  }
}
