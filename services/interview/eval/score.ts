/**
 * How close an interview's draft is to the intended definition: does it validate, and do its triggers,
 * step kinds, approvals and KRI events match. Each part scores 0..1; the total is their mean.
 */
import type { WorkflowDefinition } from '@riskloop/contracts';
import { validateDefinition } from '@riskloop/definitions';
import type { Draft } from '../src/draft.ts';
import { draftSteps } from '../src/gaps.ts';

export interface Score {
  valid: number;
  trigger: number;
  steps: number;
  approvals: number;
  kri: number;
  total: number;
}

type Json = Record<string, unknown>;
const list = (v: unknown): Json[] =>
  Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null) : [];

function jaccard(a: readonly string[], b: readonly string[]): number {
  const x = new Set(a);
  const y = new Set(b);
  if (x.size === 0 && y.size === 0) return 1;
  const both = [...x].filter((v) => y.has(v)).length;
  return both / new Set([...x, ...y]).size;
}

/** Overlap of two multisets over the larger one's size. */
function multisetMatch(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const counts = new Map<string, number>();
  for (const v of a) counts.set(v, (counts.get(v) ?? 0) + 1);
  let both = 0;
  for (const v of b) {
    const n = counts.get(v) ?? 0;
    if (n > 0) {
      both += 1;
      counts.set(v, n - 1);
    }
  }
  return both / Math.max(a.length, b.length);
}

const triggersOf = (d: Json) => list(d.triggers).map((t) => [t.type, t.kri ?? t.event ?? ''].join(':'));
const approvalsOf = (d: Json) =>
  draftSteps(d)
    .filter((s) => s.type === 'approval')
    .map((s) =>
      JSON.stringify(
        list((s.approval as Json | undefined)?.approvers)
          .map((a) => Object.keys(a)[0] ?? '')
          .sort(),
      ),
    );
const emitsOf = (d: Json) => (Array.isArray(d.emits) ? d.emits.map(String) : []);

export function scoreDraft(draft: Draft, intended: WorkflowDefinition): Score {
  const goal = intended as unknown as Json;
  const parts = {
    valid: validateDefinition(draft).ok ? 1 : 0,
    trigger: jaccard(triggersOf(draft), triggersOf(goal)),
    steps: multisetMatch(
      draftSteps(draft).map((s) => String(s.type)),
      draftSteps(goal).map((s) => String(s.type)),
    ),
    approvals: multisetMatch(approvalsOf(draft), approvalsOf(goal)),
    kri: jaccard(emitsOf(draft), emitsOf(goal)),
  };
  const values = Object.values(parts);
  return { ...parts, total: values.reduce((a, b) => a + b, 0) / values.length };
}
