/** What expressions see, time arithmetic and the small pure helpers the machine's behaviours share. */
import type { RetryPolicy, Step } from '@riskloop/contracts';
import { durationMs } from '@riskloop/contracts';
import { createHash } from 'node:crypto';
import type { RunContext, RunEvent } from './types.ts';

/** The expression context of DESIGN.md: `trigger`, `steps.<id>`, `vars`, `run`, `workflow`, `tenant`, `now`. */
export function expressionContext(context: RunContext, now: string): Record<string, unknown> {
  const steps = Object.fromEntries(
    Object.values(context.steps).map((s) => [s.id, { status: s.status, output: s.output ?? null }]),
  );
  return {
    trigger: context.trigger.payload,
    steps,
    vars: context.vars ?? {},
    run: { id: context.runId },
    workflow: { id: context.workflowId, version: context.version },
    tenant: { id: context.tenant },
    now,
  };
}

/** The step's own parameters: the object under its type's key (`webhook: {...}`). */
export function stepParameters(step: Step): Record<string, unknown> {
  return ((step as unknown as Record<string, unknown>)[step.type] ?? {}) as Record<string, unknown>;
}

/** The time an event carries; the init event of `initialTransition` carries it in its input. */
export function eventTime(event: unknown): string {
  const e = event as { at?: string; input?: { at?: string } };
  return e.at ?? e.input?.at ?? new Date(0).toISOString();
}

export const addMs = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();

/** A stable UUID-shaped id from its parts: the same run, step and attempt always name the same approval. */
export function derivedId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Exponential back-off with full jitter before attempt `attempt + 1`: uniform in [0, min(max, initial *
 * 2^(attempt-1))]. The jitter is drawn from a hash of the seed so replaying a transition gives the same delay.
 */
export function backoffMs(retry: RetryPolicy, attempt: number, seed: string): number {
  const cap = Math.min(durationMs(retry.max), durationMs(retry.initial) * 2 ** Math.max(0, attempt - 1));
  const draw = createHash('sha256').update(seed).digest().readUInt32BE(0) / 2 ** 32;
  return Math.floor(draw * cap);
}

export function isEvent<T extends RunEvent['type']>(
  event: unknown,
  type: T,
): event is Extract<RunEvent, { type: T }> {
  return (event as { type?: string }).type === type;
}

/** Timer keys name their purpose, step and attempt: `<purpose>:<step>:<attempt>[:<n>]`. */
export const timerKey = (purpose: string, stepId: string, attempt: number, n?: number) =>
  `${purpose}:${stepId}:${attempt}${n === undefined ? '' : `:${n}`}`;

export const timerPurpose = (key: string) => key.split(':')[0];
