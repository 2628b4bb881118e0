/**
 * The draft an interview builds: a partial workflow definition. A patch replaces top-level parts (null
 * removes one); the assessment says whether the draft is complete and valid, with every error's path.
 * An incomplete draft (no name, trigger or steps yet) is not an error: those are gaps to ask about.
 */
import type { DestinationRef, FieldError } from '@riskloop/contracts';
import { validateDefinition } from '@riskloop/definitions';
import { canonical } from './hash.ts';
import { policyErrors } from './policy.ts';

export type Draft = Record<string, unknown>;

export const draftParts = [
  'name',
  'description',
  'owner',
  'tags',
  'triggers',
  'conditions',
  'emits',
  'steps',
];
const requiredParts = ['name', 'triggers', 'steps'] as const;

export interface PatchResult {
  draft: Draft;
  /** The parts that changed: top-level names, and `steps.<id>` for each step added or changed. */
  changed: string[];
  errors: FieldError[];
}

export function applyPatch(draft: Draft, patch: Record<string, unknown>): PatchResult {
  const next: Draft = { ...draft };
  const changed: string[] = [];
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (!draftParts.includes(key)) {
      errors.push({
        path: `patch.${key}`,
        message: `not part of a workflow definition; an interview can change only ${draftParts.join(', ')}`,
      });
      continue;
    }
    if (canonical(draft[key] ?? null) === canonical(value ?? null)) continue;
    if (value === null) delete next[key];
    else next[key] = value;
    if (key === 'steps') changed.push(...changedSteps(draft.steps, value));
    else changed.push(key);
  }
  return { draft: next, changed, errors };
}

function changedSteps(before: unknown, after: unknown): string[] {
  const byId = (list: unknown) =>
    new Map(
      (Array.isArray(list) ? list : [])
        .filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null)
        .map((s) => [String(s.id), canonical(s)]),
    );
  const old = byId(before);
  const fresh = byId(after);
  const out = [...fresh].filter(([id, json]) => old.get(id) !== json).map(([id]) => `steps.${id}`);
  return out.length > 0 || old.size !== fresh.size ? ['steps', ...out] : out;
}

export interface Assessment {
  /** Name, trigger and steps are all there. */
  complete: boolean;
  /** Complete, and no validation or policy error: it may be confirmed. */
  valid: boolean;
  errors: FieldError[];
  missing: string[];
}

const placeholders: Record<(typeof requiredParts)[number], unknown> = {
  name: 'untitled',
  triggers: [{ type: 'manual' }],
  steps: [{ id: 'placeholder_step', type: 'set', set: { vars: {} } }],
};

/**
 * Validate what is there. Missing required parts get placeholders so the validator still checks the rest
 * (expressions, references), and errors on the placeholders are dropped. `baseline` holds errors the
 * starting definition already had (an edited workflow's hand-written webhook): they do not block.
 */
export function assessDraft(
  draft: Draft,
  destinations: readonly DestinationRef[],
  baseline: readonly FieldError[] = [],
): Assessment {
  const missing = requiredParts.filter((k) => isEmpty(draft[k]));
  const filled: Draft = { ...draft };
  for (const k of missing) filled[k] = placeholders[k];
  const result = validateDefinition(filled);
  const known = new Set(baseline.map(keyOf));
  const errors = [...(result.ok ? [] : result.errors), ...policyErrors(draft, destinations)]
    .filter(
      (e) => !missing.some((k) => e.path === k || e.path.startsWith(`${k}[`) || e.path.startsWith(`${k}.`)),
    )
    .filter((e) => !known.has(keyOf(e)));
  return {
    complete: missing.length === 0,
    valid: missing.length === 0 && errors.length === 0,
    errors,
    missing,
  };
}

/** The errors a starting definition already has under the interview's policy. */
export function baselineErrors(draft: Draft | null, destinations: readonly DestinationRef[]): FieldError[] {
  return draft ? assessDraft(draft, destinations).errors : [];
}

function keyOf(e: FieldError): string {
  return `${e.path}\u0000${e.message}`;
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)
  );
}
