import { Environment } from '@marcbachmann/cel-js';
import { describe, expect, test } from 'vitest';
import { installMeter } from './meter.ts';

// Guards the one place that relies on how cel-js evaluates: every node through `evaluator.run`.
describe('installMeter', () => {
  const environment = new Environment({ unlistedVariablesAreDyn: true });
  const meter = installMeter(environment, { maxEvaluationSteps: 100, maxValueSize: 30 });
  const xs = Array.from({ length: 20 }, (_, i) => i);
  const metered = (source: string, context: Record<string, unknown> = { xs }) =>
    meter((): unknown => environment.evaluate(source, context));

  test('counts comprehension steps and stops at the budget', () => {
    expect(metered('xs.size()')).toBe(20n);
    expect(() => metered('xs.all(x, xs.all(y, y >= 0))')).toThrow(
      'exceeded the evaluation budget of 100 steps',
    );
  });

  test('a limit error absorbed by || still fails the evaluation', () => {
    expect(() => metered('xs.all(x, xs.all(y, y >= 0)) || true')).toThrow(/evaluation budget/);
  });

  test('bounds the size of every value a step produces', () => {
    expect(() => metered('s + s', { s: 'abcdefghijklmnop' })).toThrow(
      'produced a value of 32 elements or characters; the limit is 30',
    );
    expect(() => metered('xs + xs')).toThrow(/produced a value of 40/);
  });

  test('the budget is per evaluation, and zero outside the meter', () => {
    // About 40 steps each: three in a row fit a budget of 100 only if each starts afresh.
    for (let i = 0; i < 3; i++) expect(metered('xs.exists(x, x == 7)')).toBe(true);
    expect((): unknown => environment.evaluate('xs.exists(x, x == 7)', { xs })).toThrow(/evaluation budget/);
  });
});
