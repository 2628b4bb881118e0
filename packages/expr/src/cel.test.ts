import { isRiskloopError, type RiskloopError } from '@riskloop/kit';
import { describe, expect, test } from 'vitest';
import { compileExpression } from './cel.ts';

const context = {
  trigger: { n: 21, f: 2.5, whole: 2, name: 'Ada', tags: ['grc', 'sox'], owner: { team: 'risk' } },
  steps: { open: { status: 'succeeded', output: { body: { id: 'RISK-7', items: [1, 2, 3] } } } },
};

const evaluate = (source: string) => compileExpression(source)(context);

/** The RiskloopError that `run` throws. */
function thrown(run: () => unknown): RiskloopError {
  try {
    run();
  } catch (error) {
    if (isRiskloopError(error)) return error;
    throw error;
  }
  throw new Error('expected a RiskloopError, nothing was thrown');
}

describe('compileExpression', () => {
  test('whole JSON numbers are CEL ints and come back as plain JS numbers', () => {
    const result = evaluate('trigger.n * 2');
    expect(result).toBe(42);
    expect(typeof result).toBe('number');
    expect(evaluate('trigger.n / 2')).toBe(10);
    expect(evaluate('size(steps.open.output.body.items)')).toBe(3);
  });

  test('fractional JSON numbers are CEL doubles', () => {
    expect(evaluate('trigger.f > 1.5')).toBe(true);
    expect(evaluate('trigger.f * 2.0')).toBe(5);
    expect(evaluate('trigger.whole > 1.5')).toBe(true);
    expect(evaluate('trigger.whole == 2.0')).toBe(true);
  });

  test('evaluates comparisons, logic, membership and nested lookups', () => {
    expect(evaluate('trigger.n > 20 && trigger.name == "Ada"')).toBe(true);
    expect(evaluate('trigger.n < 20 || !(trigger.f > 3.0)')).toBe(true);
    expect(evaluate('"sox" in trigger.tags')).toBe(true);
    expect(evaluate('trigger.owner.team')).toBe('risk');
    expect(evaluate('steps.open.output.body.id')).toBe('RISK-7');
    expect(evaluate('has(trigger.missing)')).toBe(false);
  });

  test('lists and maps come back as plain arrays and objects', () => {
    expect(evaluate('trigger.tags')).toEqual(['grc', 'sox']);
    expect(evaluate('{"id": steps.open.output.body.id, "n": trigger.n, "xs": [1, 2.5]}')).toEqual({
      id: 'RISK-7',
      n: 21,
      xs: [1, 2.5],
    });
    expect(evaluate('steps.open.output.body.items.map(x, x * 10)')).toEqual([10, 20, 30]);
  });

  test('a syntax error throws invalid_expression', () => {
    for (const source of ['trigger.', '1 +', '(trigger.n', 'trigger.n >> 1']) {
      const error = thrown(() => compileExpression(source));
      expect(error.code).toBe('invalid_expression');
      expect(error.status).toBe(422);
      expect(error.retryable).toBe(false);
      expect(error.cause).toBeDefined();
    }
  });

  test('an evaluation error throws expression_failed naming the source', () => {
    for (const source of ['trigger.missing.deep', '1 / 0', 'trigger.name + 1']) {
      const compiled = compileExpression(source);
      const error = thrown(() => compiled(context));
      expect(error.code).toBe('expression_failed');
      expect(error.message).toContain(source);
      expect(error.retryable).toBe(false);
    }
  });

  test('parses a source once and reuses it', () => {
    expect(compileExpression('trigger.n + 1')).toBe(compileExpression('trigger.n + 1'));
    expect(compileExpression('trigger.n + 1')({ trigger: { n: 1 } })).toBe(2);
  });

  describe('hostile expressions are rejected by the parser limits, not evaluated', () => {
    const hostile = {
      'deep nesting': `${'('.repeat(10_000)}1${')'.repeat(10_000)}`,
      'a long member chain': `trigger${'.a'.repeat(500)}`,
      'a huge list literal': `[${Array.from({ length: 100_000 }, () => '1').join(',')}]`,
      'a huge map literal': `{${Array.from({ length: 5_000 }, (_, i) => `"k${i}": 1`).join(',')}}`,
      'too many AST nodes': Array.from({ length: 5_000 }, () => 'trigger.n').join(' + '),
      'too many call arguments': `max(${Array.from({ length: 100 }, () => '1').join(',')})`,
    };

    for (const [what, source] of Object.entries(hostile)) {
      test(what, () => {
        const started = performance.now();
        const error = thrown(() => compileExpression(source));
        expect(error.code).toBe('invalid_expression');
        expect(error.message).toMatch(/Exceeded max\w+/);
        expect(performance.now() - started).toBeLessThan(1_000);
      });
    }
  });
});
