/** Bounds on durations, with the path each one applies to. Beyond them a definition is refused. */
import { durationMs, type Step } from '@riskloop/contracts';

const minute = 60_000;
const day = 86_400_000;

export interface DurationRule {
  /** Where, relative to the step: e.g. `['approval', 'timeout']`. */
  at: string[];
  value: string | undefined;
  min: number;
  max: number;
  what: string;
}

export function durationRules(step: Step): DurationRule[] {
  const rules: DurationRule[] = [
    { at: ['timeout'], value: step.timeout, min: 100, max: 30 * day, what: 'a step timeout' },
    { at: ['retry', 'initial'], value: step.retry?.initial, min: 0, max: day, what: 'a retry delay' },
    { at: ['retry', 'max'], value: step.retry?.max, min: 0, max: day, what: 'a retry delay' },
  ];
  if (step.type === 'approval') {
    const a = step.approval;
    rules.push(
      {
        at: ['approval', 'timeout'],
        value: a.timeout,
        min: minute,
        max: 90 * day,
        what: 'an approval timeout',
      },
      {
        at: ['approval', 'remind_every'],
        value: a.remind_every,
        min: 15 * minute,
        max: 30 * day,
        what: 'a reminder interval',
      },
    );
  }
  if (step.type === 'wait') {
    rules.push(
      { at: ['wait', 'for'], value: step.wait.for, min: 0, max: 400 * day, what: 'a wait' },
      {
        at: ['wait', 'timeout'],
        value: step.wait.timeout,
        min: 1_000,
        max: 400 * day,
        what: 'a wait timeout',
      },
    );
  }
  if (step.type === 'query') {
    rules.push({
      at: ['query', 'since'],
      value: step.query.since,
      min: minute,
      max: 400 * day,
      what: 'a query window',
    });
  }
  return rules;
}

export function describeBound(ms: number): string {
  if (ms % day === 0) return `${ms / day}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % minute === 0) return `${ms / minute}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export function outOfRange(rule: DurationRule): string | undefined {
  if (rule.value === undefined) return undefined;
  const ms = durationMs(rule.value);
  if (ms < rule.min) return `${rule.what} must be at least ${describeBound(rule.min)}`;
  if (ms > rule.max) return `${rule.what} must be at most ${describeBound(rule.max)}`;
  return undefined;
}
