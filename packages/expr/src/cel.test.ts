import { isRiskloopError, type RiskloopError } from '@riskloop/kit';
import { describe, expect, test } from 'vitest';
import { compileExpression } from './cel.ts';
import { expressionLimits } from './limits.ts';

const context = {
  trigger: { n: 21, f: 2.5, whole: 2, name: 'Ada', tags: ['grc', 'sox'], owner: { team: 'risk' } },
  steps: { open: { status: 'succeeded', output: { body: { id: 'RISK-7', items: [1, 2, 3] } } } },
};

const evaluate = (source: string, scope: Record<string, unknown> = context) =>
  compileExpression(source)(scope);

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
  describe('numbers', () => {
    test('JSON numbers are doubles, whole or not, and mix with int literals', () => {
      // Changed on purpose: a whole JSON number used to be a CEL int, so `trigger.n / 2` was 10.
      expect(evaluate('trigger.n / 2')).toBe(10.5);
      expect(evaluate('trigger.n * 2')).toBe(42);
      expect(evaluate('trigger.f * 2')).toBe(5);
      expect(evaluate('trigger.n + 0.5')).toBe(21.5);
      expect(evaluate('2 * trigger.f - 1')).toBe(4);
      expect(evaluate('trigger.whole * trigger.f')).toBe(5);
      expect(evaluate('type(trigger.n) == double')).toBe(true);
    });

    test('comparisons work across whole and fractional payload values and literals', () => {
      expect(evaluate('trigger.f > 1.5 && trigger.f > 1 && trigger.whole == 2 && trigger.whole == 2.0')).toBe(
        true,
      );
      expect(evaluate('trigger.n >= 21 && trigger.n < 21.5 && 1 == 1.0 && 2 != 2.5')).toBe(true);
      expect(evaluate('2 in steps.open.output.body.items && 2.0 in steps.open.output.body.items')).toBe(true);
      expect(evaluate('steps.open.output.body.items[trigger.whole]')).toBe(3);
    });

    test('int-only arithmetic stays integral; size() and int() are ints', () => {
      expect(evaluate('7 / 2')).toBe(3);
      expect(evaluate('size(steps.open.output.body.items) * trigger.f')).toBe(7.5);
      expect(evaluate('size(steps.open.output.body.items) / 2')).toBe(1);
      expect(evaluate('int(trigger.n) / 2')).toBe(10);
      expect(evaluate('trigger.n % 2 == 1 && trigger.f % 2 == 0.5')).toBe(true);
    });

    test('results are plain JSON numbers', () => {
      for (const source of ['trigger.n', 'trigger.n * 2', '7 / 2', 'size(trigger.tags)', '3u', 'trigger.f']) {
        expect(typeof evaluate(source)).toBe('number');
      }
      expect(evaluate('steps.open.output.body.items.map(x, x * 10)')).toEqual([10, 20, 30]);
      expect(evaluate('{"n": 1, "xs": [1, 2.5]}')).toEqual({ n: 1, xs: [1, 2.5] });
    });

    test('division and modulus by zero fail; a non-finite result fails', () => {
      for (const source of ['1 / 0', '1 % 0', 'trigger.n % 0', 'trigger.n / 0', '1.0 / 0.0']) {
        expect(thrown(() => evaluate(source)).code).toBe('expression_failed');
      }
      expect(evaluate('trigger.n / 0 > 1000.0')).toBe(true);
    });
  });

  test('evaluates comparisons, logic, membership and nested lookups', () => {
    expect(evaluate('trigger.n > 20 && trigger.name == "Ada"')).toBe(true);
    expect(evaluate('trigger.n < 20 || !(trigger.f > 3.0)')).toBe(true);
    expect(evaluate('"sox" in trigger.tags')).toBe(true);
    expect(evaluate('trigger.owner.team')).toBe('risk');
    expect(evaluate('steps.open.output.body.id')).toBe('RISK-7');
    expect(evaluate('has(trigger.missing)')).toBe(false);
    expect(evaluate('trigger.?missing.?deep.orValue("none")')).toBe('none');
  });

  test('and, or, not are aliases of &&, ||, !', () => {
    expect(evaluate('trigger.n > 20 and trigger.name == "Ada"')).toBe(true);
    expect(evaluate('trigger.n < 20 or not (trigger.f > 3.0)')).toBe(true);
    expect(evaluate('not trigger.tags.exists(t, t == "pci") and "sox" in trigger.tags')).toBe(true);
    expect(evaluate('"a and b or not c"')).toBe('a and b or not c');
    const fields = { trigger: { and: 1, android: true, order: { not_before: 'x' } } };
    expect(evaluate('trigger.and == 1 and trigger.android and trigger.order.not_before == "x"', fields)).toBe(
      true,
    );
  });

  test('matches is RE2: linear on a hostile pattern, and RE2 syntax', () => {
    const started = performance.now();
    expect(evaluate('trigger.s.matches("^(a+)+$")', { trigger: { s: `${'a'.repeat(50_000)}!` } })).toBe(
      false,
    );
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(evaluate('trigger.name.matches("(?i)^ada$") && matches("INC-12", "^INC-[0-9]+$")')).toBe(true);
    const error = thrown(() => evaluate('trigger.name.matches("(")'));
    expect(error.code).toBe('expression_failed');
    expect(error.message).toContain('invalid regular expression');
  });

  test('timestamps, durations, bytes and optionals come back as JSON', () => {
    expect(evaluate('timestamp("2024-01-01T10:00:00+02:00")')).toBe('2024-01-01T08:00:00.000Z');
    expect(evaluate('duration("1h30m")')).toBe('5400s');
    expect(evaluate('b"ab"')).toBe('YWI=');
    expect(evaluate('trigger.?owner.?team')).toBe('risk');
    expect(evaluate('trigger.?nothing')).toBeNull();
    expect(evaluate('type(1)')).toBe('int');
  });

  test('lists and maps come back as plain arrays and objects', () => {
    expect(evaluate('trigger.tags')).toEqual(['grc', 'sox']);
    expect(evaluate('{"id": steps.open.output.body.id, "n": trigger.n, "xs": [1, 2.5]}')).toEqual({
      id: 'RISK-7',
      n: 21,
      xs: [1, 2.5],
    });
  });

  test('a syntax or type error throws invalid_expression naming the source as written', () => {
    for (const source of ['trigger.', '1 +', '(trigger.n', 'trigger.n >> 1', 'foo(1)', '1 + "a"', 'a and']) {
      const error = thrown(() => compileExpression(source));
      expect(error.code).toBe('invalid_expression');
      expect(error.status).toBe(422);
      expect(error.retryable).toBe(false);
      expect(error.cause).toBeDefined();
      expect(error.message).toContain(JSON.stringify(source));
    }
  });

  test('an error position is the position in the source as written, aliases and all', () => {
    expect(thrown(() => compileExpression('a and not b +')).message).toMatch(/column 14\)$/);
    expect(thrown(() => compileExpression('a or\n  (b')).message).toMatch(/line 2, column 5\)$/);
    expect(thrown(() => compileExpression('"x".matches(1, 2)')).message).toContain("'string.matches");
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
      'deep nesting': [`${'('.repeat(40)}1${')'.repeat(40)}`, /Exceeded maxDepth/],
      'a long member chain': [`trigger${'.a'.repeat(500)}`, /Exceeded maxDepth/],
      'a huge list literal': [`[${'1,'.repeat(500)}1]`, /Exceeded maxListElements/],
      'a huge map literal': [
        `{${Array.from({ length: 251 }, (_, i) => `${i}:1`).join(',')}}`,
        /Exceeded maxMapEntries/,
      ],
      'too many AST nodes': [
        `[${'1,'.repeat(400)}1] + [${'1,'.repeat(400)}1] + [${'1,'.repeat(400)}1]`,
        /Exceeded maxAstNodes/,
      ],
      'too many call arguments': [
        `max(${Array.from({ length: 100 }, () => '1').join(',')})`,
        /Exceeded maxCallArguments/,
      ],
      'a source over 4 KB': [
        `${'1 + '.repeat(1_100)}1`,
        /the expression has 4401 characters; the limit is 4096/,
      ],
      'deep nesting over 4 KB': [`${'('.repeat(10_000)}1${')'.repeat(10_000)}`, /the limit is 4096/],
    } satisfies Record<string, [string, RegExp]>;

    for (const [what, [source, message]] of Object.entries(hostile)) {
      test(what, () => {
        const started = performance.now();
        const error = thrown(() => compileExpression(source));
        expect(error.code).toBe('invalid_expression');
        expect(error.message).toMatch(message);
        expect(performance.now() - started).toBeLessThan(1_000);
      });
    }
  });

  describe('hostile evaluations stop at the evaluation limits, quickly', () => {
    const big = { trigger: { xs: Array.from({ length: 5_000 }, (_, i) => i), s: 'x'.repeat(1_000) } };
    const doubling = (seed: string, times: number) => {
      let body = `a${times}.size()`;
      for (let i = times; i > 0; i--) body = `cel.bind(a${i}, a${i - 1} + a${i - 1}, ${body})`;
      return `cel.bind(a0, ${seed}, ${body})`;
    };
    const literal = `[${Array.from({ length: 300 }, (_, i) => i).join(',')}]`;
    const hostile = {
      'nested comprehensions over a big list': [
        'trigger.xs.exists(x, trigger.xs.exists(y, x + y == -1))',
        /evaluation budget of 250000 steps/,
      ],
      'three nested comprehensions over literals': [
        `${literal}.all(x, ${literal}.all(y, ${literal}.all(z, z >= 0)))`,
        /evaluation budget/,
      ],
      'an error absorbed by ||': [
        'trigger.xs.exists(x, trigger.xs.exists(y, x + y == -1)) || true',
        /evaluation budget/,
      ],
      'exponential string growth': [
        doubling('trigger.s', 12),
        /produced a value of 1024000 .*the limit is 1000000/,
      ],
      'exponential list growth': [
        doubling('trigger.xs', 9),
        /produced a value of 1280000 .*the limit is 1000000/,
      ],
    } satisfies Record<string, [string, RegExp]>;

    for (const [what, [source, message]] of Object.entries(hostile)) {
      test(what, () => {
        const started = performance.now();
        const error = thrown(() => evaluate(source, big));
        expect(error.code).toBe('expression_failed');
        expect(error.message).toMatch(message);
        // The message shows which limit stopped it; the bound is a loose guard (unbounded, these take minutes).
        expect(performance.now() - started).toBeLessThan(5_000);
      });
    }

    test('one pass over a big list fits the budget, and the budget is per evaluation', () => {
      const source = 'trigger.xs.filter(x, x % 2 == 0).size()';
      for (let i = 0; i < 5; i++) expect(evaluate(source, big)).toBe(2_500);
      expect(expressionLimits.maxEvaluationSteps).toBe(250_000);
    });
  });
});
