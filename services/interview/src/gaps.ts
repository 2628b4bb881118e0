/**
 * What is still missing or ambiguous in a draft, as questions: the trigger and its condition, the owner,
 * the steps, each approval's approvers, timeout and rejection path, and the KRI events. Parts the admin
 * explicitly left empty ("settled") are not asked again.
 */
import type { InterviewGap } from '@riskloop/contracts';
import type { Draft } from './draft.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** Every step of the draft, nested blocks included, in order. */
export function draftSteps(draft: Draft): Json[] {
  const out: Json[] = [];
  const visit = (steps: unknown) => {
    for (const step of list(steps)) {
      out.push(step);
      const branch = isObject(step.branch) ? step.branch : undefined;
      const parallel = isObject(step.parallel) ? step.parallel : undefined;
      for (const c of list(branch?.cases)) visit(c.steps);
      visit(branch?.default);
      for (const b of list(parallel?.branches)) visit(b.steps);
    }
  };
  visit(draft.steps);
  return out;
}

export function gapsOf(draft: Draft, settled: readonly string[]): InterviewGap[] {
  const gaps: InterviewGap[] = [];
  const ask = (part: string, question: string, blocking = false) => {
    if (!settled.includes(part)) gaps.push({ part, question, blocking });
  };
  if (!draft.name)
    gaps.push({ part: 'name', question: 'What should the workflow be called?', blocking: true });
  const triggers = list(draft.triggers);
  if (triggers.length === 0) {
    gaps.push({
      part: 'triggers',
      question:
        'What starts it: a KRI breach, an event from another system, a schedule, a manual button or an inbound webhook?',
      blocking: true,
    });
  }
  triggers.forEach((t, i) => {
    if (['kri_breach', 'event', 'webhook'].includes(String(t.type)) && t.condition === undefined) {
      ask(
        `triggers[${i}].condition`,
        `Should every ${String(t.type).replace('_', ' ')} start a run, or only some (a condition)?`,
      );
    }
  });
  if (!draft.owner) ask('owner', 'Who owns this workflow (a person or a role)?');
  const steps = draftSteps(draft);
  if (steps.length === 0) {
    gaps.push({ part: 'steps', question: 'What should happen when it starts?', blocking: true });
  }
  for (const step of steps) {
    const id = String(step.id);
    if (step.type === 'notify' && isObject(step.notify) && !step.notify.to) {
      gaps.push({ part: `steps.${id}.notify.to`, question: `Who should ${id} notify?`, blocking: true });
    }
    if (step.type !== 'approval' || !isObject(step.approval)) continue;
    if (list(step.approval.approvers).length === 0) {
      gaps.push({ part: `steps.${id}.approval.approvers`, question: `Who approves ${id}?`, blocking: true });
    }
    if (step.approval.timeout === undefined) {
      ask(
        `steps.${id}.approval.timeout`,
        `How long may the approvers of ${id} take, and what happens if nobody decides?`,
      );
    }
    const handled = steps.some((s) => typeof s.if === 'string' && s.if.includes(`steps.${id}.`));
    if (!handled) ask(`steps.${id}.on_reject`, `What should happen when ${id} is rejected?`);
  }
  if (!Array.isArray(draft.emits) || draft.emits.length === 0) {
    ask('emits', 'Which KRI events should the workflow emit back to the risk model (or none)?');
  }
  return gaps;
}
