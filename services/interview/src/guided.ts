/**
 * The guided interviewer: no LLM, the same questions in a fixed order, constrained answers (choices,
 * durations, names). Pure: the state and the draft go in, the next state, draft and reply come out.
 * Order: name, trigger, its condition, owner, steps one at a time (each kind asks its own fields), then
 * the KRI events the workflow emits.
 */
import type { DestinationRef, FieldError } from '@riskloop/contracts';
import { assessDraft, type Draft } from './draft.ts';
import { listOf, none, stepFields, type Parsed } from './guided-fields.ts';

type Json = Record<string, unknown>;

export interface GuidedState {
  /** The question waiting for an answer. */
  asking: string | null;
  /** The step being built, field by field. */
  step?: Json | undefined;
}

export interface GuidedInput {
  guided: GuidedState;
  draft: Draft;
  settled: string[];
  destinations: readonly DestinationRef[];
  baseline?: readonly FieldError[];
}

export interface GuidedOutcome {
  guided: GuidedState;
  draft: Draft;
  settled: string[];
  reply: string;
  changed: string[];
  errors?: FieldError[];
}

const stepKindsAsked = Object.keys(stepFields);

const questions: Record<string, string> = {
  name: 'What should the workflow be called?',
  trigger:
    'What starts it? Answer one of: `kri_breach <kri id>`, `event <event type>`, `schedule <five-field cron>`, `manual`, `webhook`.',
  condition:
    'Should every one start a run? Answer `always`, or a condition over trigger.*, e.g. `trigger.value > trigger.threshold`.',
  owner: 'Who owns this workflow? A user, or `role:<name>` (or `none`).',
  step: `What should happen next? One of: ${stepKindsAsked.join(', ')} — or \`done\` when there are no more steps.`,
  emits:
    'Which KRI events does the workflow emit when it completes? snake_case names separated by commas, or `none`.',
};

const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

function nextQuestion(input: Omit<GuidedInput, 'destinations'>): string | null {
  const { draft, settled, guided } = input;
  if (guided.step) {
    const kind = String(guided.step.type);
    const params = (guided.step[kind] ?? {}) as Json;
    const field = stepFields[kind]?.find((f) => !(f.key in params) && (f.when?.(params) ?? true));
    if (field) return `step.${field.key}`;
  }
  if (!draft.name) return 'name';
  const triggers = list(draft.triggers);
  if (triggers.length === 0) return 'trigger';
  const first = triggers[0] ?? {};
  if (
    ['kri_breach', 'event', 'webhook'].includes(String(first.type)) &&
    !first.condition &&
    !settled.includes('condition')
  )
    return 'condition';
  if (!draft.owner && !settled.includes('owner')) return 'owner';
  if (!settled.includes('steps')) return 'step';
  if (!settled.includes('emits')) return 'emits';
  return null;
}

function questionText(key: string, guided: GuidedState): string {
  if (!key.startsWith('step.')) return questions[key] ?? key;
  const kind = String(guided.step?.type);
  return stepFields[kind]?.find((f) => `step.${f.key}` === key)?.question ?? key;
}

/** A step id not yet used in the draft: `approval`, `approval_2`, ... */
function freshId(draft: Draft, base: string): string {
  const used = new Set(JSON.stringify(draft.steps ?? []).match(/"id":"[a-z0-9_]+"/g) ?? []);
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}_${n}`;
    if (!used.has(`"id":"${id}"`)) return id;
  }
}

function parseTrigger(answer: string): Parsed {
  const [word = '', ...rest] = answer.trim().split(/\s+/);
  const arg = rest.join(' ');
  switch (word.toLowerCase().replace('-', '_')) {
    case 'kri_breach':
    case 'kri':
      return arg
        ? { value: { type: 'kri_breach', kri: arg } }
        : { error: 'name the KRI: `kri_breach <kri id>`' };
    case 'event':
      return arg
        ? { value: { type: 'event', event: arg } }
        : { error: 'name the event type: `event <type>`' };
    case 'schedule':
      return arg
        ? { value: { type: 'schedule', cron: arg } }
        : { error: 'give a cron: `schedule 0 9 * * MON`' };
    case 'manual':
      return { value: { type: 'manual' } };
    case 'webhook':
      return { value: { type: 'webhook' } };
    default:
      return { error: 'that is not one of the triggers I know' };
  }
}

/** Errors of `draft` at or under `prefix`. */
function errorsAt(input: GuidedInput, draft: Draft, prefix: string): FieldError[] {
  return assessDraft(draft, input.destinations, input.baseline).errors.filter(
    (e) => e.path === prefix || e.path.startsWith(`${prefix}.`) || e.path.startsWith(`${prefix}[`),
  );
}

/** Apply the admin's answer to the question being asked. */
function answerQuestion(
  input: GuidedInput,
  key: string,
  answer: string,
): GuidedOutcome | { error: string; errors?: FieldError[] } {
  const draft: Draft = { ...input.draft };
  const settled = [...input.settled];
  const guided: GuidedState = { ...input.guided };
  const done = (changed: string[]): GuidedOutcome => ({ guided, draft, settled, reply: '', changed });
  const checked = (changed: string[], prefix: string) => {
    const errors = errorsAt(input, draft, prefix);
    return errors.length > 0
      ? { error: errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors }
      : done(changed);
  };
  switch (key) {
    case 'name':
      if (answer.length > 200) return { error: 'keep the name under 200 characters' };
      draft.name = answer;
      return checked(['name'], 'name');
    case 'trigger': {
      const parsed = parseTrigger(answer);
      if ('error' in parsed) return parsed;
      draft.triggers = [parsed.value];
      return checked(['triggers'], 'triggers');
    }
    case 'condition': {
      if (none.test(answer)) {
        settled.push('condition');
        return done([]);
      }
      const [first, ...others] = list(draft.triggers);
      draft.triggers = [{ ...first, condition: answer }, ...others];
      return checked(['triggers'], 'triggers');
    }
    case 'owner':
      if (none.test(answer)) settled.push('owner');
      else draft.owner = answer;
      return checked(none.test(answer) ? [] : ['owner'], 'owner');
    case 'step': {
      const kind = answer.toLowerCase().replace(/\s+/g, '_');
      if (/^(done|no|none|that'?s all|finished)$/.test(kind)) {
        if (list(draft.steps).length === 0) return { error: 'a workflow needs at least one step' };
        settled.push('steps');
        return done([]);
      }
      if (!stepKindsAsked.includes(kind))
        return { error: `answer one of: ${stepKindsAsked.join(', ')}, done` };
      guided.step = { id: freshId(draft, kind), type: kind, [kind]: {} };
      return done([]);
    }
    case 'emits': {
      if (none.test(answer)) {
        settled.push('emits');
        return done([]);
      }
      const names = listOf(answer);
      const bad = names.find((n) => !/^[a-z0-9_]{1,100}$/.test(n));
      if (bad) return { error: `${bad} is not a snake_case event name` };
      return addEmits(input, draft, settled, guided, names);
    }
    default:
      return answerStepField(input, key.slice('step.'.length), answer);
  }
}

function answerStepField(
  input: GuidedInput,
  field: string,
  answer: string,
): GuidedOutcome | { error: string; errors?: FieldError[] } {
  const step = input.guided.step ?? {};
  const kind = String(step.type);
  const spec = stepFields[kind]?.find((f) => f.key === field);
  if (!spec) return { error: 'I lost track of that step; start it again' };
  const parsed = spec.parse(answer);
  if ('error' in parsed) return parsed;
  const params = { ...(step[kind] as Json), [field]: parsed.value };
  const building = { ...step, [kind]: params };
  const outcome: GuidedOutcome = {
    guided: { ...input.guided, step: building },
    draft: input.draft,
    settled: input.settled,
    reply: '',
    changed: [],
  };
  if (nextQuestion({ ...input, guided: outcome.guided })?.startsWith('step.')) return outcome;
  return finishStep(input, building);
}

/** The step has all its fields: add it (and, for an approval that stops on rejection, the stop). */
function finishStep(
  input: GuidedInput,
  step: Json,
): GuidedOutcome | { error: string; errors?: FieldError[] } {
  const kind = String(step.type);
  const params = Object.fromEntries(
    Object.entries(step[kind] as Json).filter(([k, v]) => v !== undefined && k !== 'on_reject'),
  );
  const built: Json = { id: step.id, type: kind, [kind]: params };
  const added = [built];
  if (kind === 'approval' && (step[kind] as Json).on_reject === 'stop') {
    added.push({
      id: `${String(step.id)}_rejected`,
      type: 'terminate',
      if: `steps.${String(step.id)}.output.outcome != "approved"`,
      terminate: { status: 'failed', reason: 'not approved' },
    });
  }
  const draft: Draft = { ...input.draft, steps: [...list(input.draft.steps), ...added] };
  const errors = errorsAt(input, draft, 'steps');
  if (errors.length > 0) {
    return {
      error: `that step is not valid (${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}); it was not added`,
      errors,
    };
  }
  return {
    guided: { asking: null },
    draft,
    settled: input.settled,
    reply: '',
    changed: ['steps', ...added.map((s) => `steps.${String(s.id)}`)],
  };
}

function addEmits(
  input: GuidedInput,
  draft: Draft,
  settled: string[],
  guided: GuidedState,
  names: string[],
): GuidedOutcome {
  const first = list(draft.triggers)[0];
  const kri = first?.type === 'kri_breach' ? first.kri : undefined;
  const approval = list(draft.steps)
    .filter((s) => s.type === 'approval')
    .at(-1);
  const steps = [...list(draft.steps)];
  for (const name of names) {
    steps.push({
      id: freshId({ steps }, `emit_${name}`.slice(0, 60)),
      type: 'emit_kri',
      ...(approval ? { if: `steps.${String(approval.id)}.output.outcome == "approved"` } : {}),
      emit_kri: { event: name, ...(kri ? { kri } : {}) },
    });
  }
  settled.push('emits');
  const emits = [...new Set([...list(draft.emits).map(String), ...names])];
  return {
    guided,
    draft: { ...draft, emits, steps },
    settled,
    reply: '',
    changed: ['emits', ...steps.slice(list(draft.steps).length).map((s) => `steps.${String(s.id)}`)],
  };
}

/** Ask the next question (or say the draft is complete), without reading an answer. */
export function guidedAsk(input: GuidedInput, preface = ''): GuidedOutcome {
  const key = nextQuestion(input);
  const guided = { ...input.guided, asking: key };
  const question =
    key === null
      ? 'That is everything I need. Say `add step` to add another step; otherwise confirm the draft.'
      : questionText(key, guided);
  return {
    guided,
    draft: input.draft,
    settled: input.settled,
    reply: preface ? `${preface}\n\n${question}` : question,
    changed: [],
  };
}

/** Read the admin's answer to the pending question, then ask the next one. */
export function guidedAnswer(input: GuidedInput, raw: string): GuidedOutcome {
  const answer = raw.trim();
  const key = input.guided.asking ?? nextQuestion(input);
  if (key === null) {
    if (/^add( a)? step$/i.test(answer)) {
      return guidedAsk({ ...input, settled: input.settled.filter((s) => s !== 'steps' && s !== 'emits') });
    }
    return guidedAsk(input);
  }
  const result = answerQuestion({ ...input, guided: { ...input.guided, asking: key } }, key, answer);
  if ('error' in result) {
    const again = guidedAsk(input, `I could not use that: ${result.error}.`);
    return { ...again, ...(result.errors ? { errors: result.errors } : {}) };
  }
  const next = guidedAsk(
    { ...input, guided: result.guided, draft: result.draft, settled: result.settled },
    'Noted.',
  );
  return { ...next, changed: result.changed };
}
