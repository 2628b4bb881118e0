import { describe, expect, test } from 'vitest';
import { analyzeExpression, analyzeTemplate } from './analyze.ts';

const references = (source: string) => {
  const analysis = analyzeExpression(source);
  if (!analysis.ok) throw new Error(analysis.message);
  return analysis.references;
};

describe('analyzeExpression', () => {
  test('lists the roots and the steps an expression reads', () => {
    expect(references('steps.assess.output.risk_level >= 2 and trigger.kri in vars.watched')).toEqual({
      roots: ['steps', 'trigger', 'vars'],
      steps: ['assess'],
    });
    expect(references('size(steps) > 0 || workflow.id != tenant.id && run.id != "" && now != ""')).toEqual({
      roots: ['steps', 'workflow', 'tenant', 'run', 'now'],
      steps: [],
    });
  });

  test('finds steps by field, by string index, with has() and optional selection', () => {
    expect(
      references(
        'steps["b-2"].status == "ok" && has(steps.c.output) && steps.?d.orValue(1) == 1 && steps[?"e"].hasValue()',
      ),
    ).toEqual({ roots: ['steps'], steps: ['b-2', 'c', 'd', 'e'] });
    expect(references('steps.a.output.x + steps.a.output.y > 1')).toEqual({ roots: ['steps'], steps: ['a'] });
  });

  test('a step read by a computed key is not listed', () => {
    expect(references('steps[vars.k].status')).toEqual({ roots: ['steps', 'vars'], steps: [] });
  });

  test('comprehension variables and cel.bind names are not roots', () => {
    expect(
      references('trigger.findings.exists(f, f.severity == vars.level && steps.e.status == "x")'),
    ).toEqual({
      roots: ['trigger', 'vars', 'steps'],
      steps: ['e'],
    });
    expect(
      references('[1].exists(steps, steps > 0) && trigger.xs.map(x, x > 1, x * run.n).size() > 0'),
    ).toEqual({
      roots: ['trigger', 'run'],
      steps: [],
    });
    expect(references('cel.bind(level, steps.s.output.level, level > 2 && level < trigger.max)')).toEqual({
      roots: ['steps', 'trigger'],
      steps: ['s'],
    });
    // The iteration variable is scoped to its macro: the receiver and what follows see the root.
    expect(references('x.all(x, x > 0) && x.size() > 0')).toEqual({ roots: ['x'], steps: [] });
  });

  test("CEL's own constants are not roots; unknown names are", () => {
    expect(
      references('type(trigger.n) == double && optional.of(1).hasValue() && int(trigger.s) > 0'),
    ).toEqual({
      roots: ['trigger'],
      steps: [],
    });
    expect(references('evnt.type == "x"')).toEqual({ roots: ['evnt'], steps: [] });
  });

  test('understands the aliases', () => {
    expect(references('not steps.gate.output.approved or trigger.force')).toEqual({
      roots: ['steps', 'trigger'],
      steps: ['gate'],
    });
  });

  test('an expression that does not parse or type-check is not ok, with a message', () => {
    expect(analyzeExpression('steps.a.output >')).toEqual({
      ok: false,
      message: expect.stringContaining('invalid expression "steps.a.output >"'),
    });
    expect(analyzeExpression('1 + "a"')).toEqual({
      ok: false,
      message: expect.stringContaining('no such overload'),
    });
    expect(analyzeExpression('x'.repeat(5_000))).toEqual({
      ok: false,
      message: expect.stringContaining('4096'),
    });
  });
});

describe('analyzeTemplate', () => {
  test('merges what every {{ }} reads; plain text reads nothing', () => {
    expect(
      analyzeTemplate('Ticket {{ steps.open.output.id }} for {{ trigger.name }} ({{ steps.open.status }})'),
    ).toEqual({
      ok: true,
      references: { roots: ['steps', 'trigger'], steps: ['open'] },
    });
    expect(analyzeTemplate('no templates, } or { here')).toEqual({
      ok: true,
      references: { roots: [], steps: [] },
    });
  });

  test('an unclosed {{ is an error naming it', () => {
    const analysis = analyzeTemplate('Hello {{ trigger.name, bye');
    expect(analysis).toEqual({ ok: false, message: 'unclosed "{{" at offset 6: "{{ trigger.name, bye"' });
    expect(analyzeTemplate('{{ a }} then {{ "}}')).toEqual({
      ok: false,
      message: expect.stringContaining('offset 13'),
    });
  });

  test('a bad expression inside is an error naming where it is', () => {
    expect(analyzeTemplate('ok {{ trigger.name }} bad {{ trigger. }}')).toEqual({
      ok: false,
      message: expect.stringMatching(/^in "\{\{ \}\}" at offset 26: invalid expression "trigger\."/),
    });
    expect(analyzeTemplate('{{ }}')).toEqual({ ok: false, message: 'empty "{{ }}" at offset 0' });
  });
});
