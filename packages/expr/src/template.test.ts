import { isRiskloopError } from '@riskloop/kit';
import { describe, expect, test } from 'vitest';
import { expressionLimits } from './limits.ts';
import { renderTemplate, templateSources } from './template.ts';

const context = {
  trigger: {
    name: 'Ada',
    n: 21,
    f: 2.5,
    ok: true,
    nothing: null,
    owner: { team: 'risk' },
    tags: ['grc', 'sox'],
  },
  steps: { open: { status: 'succeeded', output: { id: 'RISK-7' } } },
};

describe('renderTemplate', () => {
  test('interpolates expressions into a string', () => {
    expect(renderTemplate('Hello {{ trigger.name }}, score {{trigger.n * 2}}!', context)).toBe(
      'Hello Ada, score 42!',
    );
    expect(renderTemplate('{{ trigger.name }}-{{ steps.open.output.id }}', context)).toBe('Ada-RISK-7');
  });

  test('renders non-string values inside a string as text, null as empty', () => {
    expect(
      renderTemplate(
        'n={{ trigger.n }} f={{ trigger.f }} ok={{ trigger.ok }} none=[{{ trigger.nothing }}] owner={{ trigger.owner }} tags={{ trigger.tags }}',
        context,
      ),
    ).toBe('n=21 f=2.5 ok=true none=[] owner={"team":"risk"} tags=["grc","sox"]');
  });

  test('a string that is exactly one template keeps the value type', () => {
    expect(renderTemplate('{{ trigger.n }}', context)).toBe(21);
    expect(renderTemplate('  {{ trigger.n * 2 }}', context)).toBe('  42');
    expect(renderTemplate('{{trigger.n * 2}}', context)).toBe(42);
    expect(renderTemplate('{{ trigger.f }}', context)).toBe(2.5);
    expect(renderTemplate('{{ trigger.ok }}', context)).toBe(true);
    expect(renderTemplate('{{ trigger.nothing }}', context)).toBeNull();
    expect(renderTemplate('{{ trigger.owner }}', context)).toEqual({ team: 'risk' });
    expect(renderTemplate('{{ trigger.tags }}', context)).toEqual(['grc', 'sox']);
  });

  test('two templates side by side are interpolated, not read as one expression', () => {
    expect(renderTemplate('{{ trigger.n }}{{ trigger.name }}', context)).toBe('21Ada');
    expect(renderTemplate('{{ trigger.n }} and {{ trigger.f }}', context)).toBe('21 and 2.5');
  });

  test('walks nested objects and arrays and leaves other values alone', () => {
    expect(
      renderTemplate(
        {
          title: 'Ticket for {{ trigger.name }}',
          score: '{{ trigger.n }}',
          nested: { team: '{{ trigger.owner.team }}', list: ['{{ trigger.f }}', 'plain', 3, false, null] },
          rows: [{ id: '{{ steps.open.output.id }}' }],
        },
        context,
      ),
    ).toEqual({
      title: 'Ticket for Ada',
      score: 21,
      nested: { team: 'risk', list: [2.5, 'plain', 3, false, null] },
      rows: [{ id: 'RISK-7' }],
    });
    expect(renderTemplate(7, context)).toBe(7);
    expect(renderTemplate(null, context)).toBeNull();
    expect(renderTemplate('no templates here', context)).toBe('no templates here');
  });

  test('does not mutate its input', () => {
    const input = { body: { text: '{{ trigger.name }}' } };
    renderTemplate(input, context);
    expect(input).toEqual({ body: { text: '{{ trigger.name }}' } });
  });

  test('errors carry the expression error codes', () => {
    const codeOf = (template: string) => {
      try {
        renderTemplate({ deep: [template] }, context);
      } catch (error) {
        return isRiskloopError(error) ? error.code : 'not a RiskloopError';
      }
      return 'nothing thrown';
    };
    expect(codeOf('{{ trigger.missing.deep }}')).toBe('expression_failed');
    expect(codeOf('x {{ trigger.missing.deep }}')).toBe('expression_failed');
    expect(codeOf('{{ trigger. }}')).toBe('invalid_expression');
  });
});

describe('template scanning', () => {
  const failure = (template: string) => {
    try {
      renderTemplate(template, context);
    } catch (error) {
      return isRiskloopError(error) ? `${error.code}: ${error.message}` : 'not a RiskloopError';
    }
    return 'nothing thrown';
  };

  test('finds the closing }} token by token: braces and strings inside an expression', () => {
    expect(renderTemplate('{{ {"a": {"b": 1}}.a.b }}', context)).toBe(1);
    expect(renderTemplate('x{{ "}}" }}y', context)).toBe('x}}y');
    expect(renderTemplate("{{ '{{' + trigger.name }}", context)).toBe('{{Ada');
    expect(renderTemplate('a } b }} c', context)).toBe('a } b }} c');
  });

  test('aliases work inside templates', () => {
    expect(renderTemplate('{{ trigger.ok and not (trigger.n > 30) }}', context)).toBe(true);
    expect(renderTemplate('{{ "and" }}-{{ trigger.name }}', context)).toBe('and-Ada');
  });

  test('an unclosed {{ is an error naming it, not text', () => {
    expect(failure('Hello {{ trigger.name')).toBe(
      'invalid_expression: unclosed "{{" at offset 6: "{{ trigger.name"',
    );
    expect(failure('{{ trigger.n }} and {{ "}}')).toMatch(
      /^invalid_expression: unclosed "\{\{" at offset 20/,
    );
    expect(() => templateSources({ deep: ['{{ x'] })).toThrow('unclosed "{{" at offset 0');
  });

  test('an empty {{ }} is an error', () => {
    expect(failure('a {{   }} b')).toBe('invalid_expression: empty "{{ }}" at offset 2');
  });

  test(`at most ${expressionLimits.maxTemplatesPerString} templates in one string`, () => {
    const many = (n: number) => Array.from({ length: n }, () => '{{ trigger.n }}').join(',');
    expect(renderTemplate(many(expressionLimits.maxTemplatesPerString), context)).toMatch(/^21,21,/);
    expect(failure(many(expressionLimits.maxTemplatesPerString + 1))).toBe(
      `invalid_expression: more than ${expressionLimits.maxTemplatesPerString} "{{ }}" templates in one string`,
    );
  });
});

describe('templateSources', () => {
  test('lists every expression source in strings, objects and arrays', () => {
    expect(
      templateSources({
        url: 'https://x.test/{{ trigger.queue }}',
        body: { text: 'Hi {{trigger.name}} ({{ steps.open.output.id }})', list: ['{{ trigger.n * 2 }}', 3] },
        plain: 'nothing',
        n: 1,
      }),
    ).toEqual(['trigger.queue', 'trigger.name', 'steps.open.output.id', 'trigger.n * 2']);
    expect(templateSources('{{ {"k": [1]}.k }} and {{ "}}" }}')).toEqual(['{"k": [1]}.k', '"}}"']);
    expect(templateSources('no templates')).toEqual([]);
    expect(templateSources(null)).toEqual([]);
  });
});
