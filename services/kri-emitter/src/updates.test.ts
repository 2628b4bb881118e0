import type { KriDefinitionView, StepResult } from '@riskloop/contracts';
import { describe, expect, it } from 'vitest';
import { matches } from './results.ts';
import { amountOf } from './updates.ts';

const definition = (over: Partial<KriDefinitionView>): KriDefinitionView => ({
  id: 'd',
  version: 1,
  event: 'patch_applied',
  kri: 'critical_cves_unpatched',
  effect: 'decrement',
  createdAt: '',
  updatedAt: '',
  updatedBy: 'key:x',
  ...over,
});

describe('amountOf', () => {
  it('takes a number as it is and evaluates a CEL amount over what the step emitted', () => {
    expect(amountOf(definition({ amount: 3 }), {})).toBe(3);
    expect(amountOf(definition({ amount: 'event.value' }), { value: 14 })).toBe(14);
    expect(amountOf(definition({ amount: 'event.attributes.count * 2' }), { attributes: { count: 4 } })).toBe(
      8,
    );
  });

  it('reads the step result for a result mapping', () => {
    const step = { id: 'patch', kind: 'webhook', output: { response: { body: { patched: 5 } } } };
    expect(amountOf(definition({ amount: 'step.output.response.body.patched' }), { step })).toBe(5);
  });

  it('has no amount for close_breach, and explains an amount that is not a number', () => {
    expect(amountOf(definition({ effect: 'close_breach' }), {})).toBeNull();
    expect(amountOf(definition({ amount: 'event.value' }), { value: 'many' })).toMatch(/not a number/);
    expect(amountOf(definition({ amount: 'event.attributes.missing' }), {})).toMatch(/failed/);
  });
});

describe('matches (result mappings)', () => {
  const result: StepResult = {
    runId: '00000000-0000-4000-8000-000000000001',
    workflowId: '00000000-0000-4000-8000-000000000002',
    stepId: 'patch',
    kind: 'webhook',
    output: { status: 200, response: { body: { status: 'patch confirmed' } } },
    finishedAt: '2026-12-02T00:00:00.000Z',
  };
  const when = 'step.output.response.body.status == "patch confirmed"';

  it('takes a result its condition, kinds, workflow and step accept', () => {
    expect(matches(definition({ from_result: { when } }), result)).toBe(true);
    expect(matches(definition({ from_result: { when, kinds: ['webhook'], step: 'patch' } }), result)).toBe(
      true,
    );
    expect(matches(definition({ from_result: { when, workflow: result.workflowId } }), result)).toBe(true);
  });

  it('refuses a result of another kind, workflow or step, or one the condition rejects', () => {
    expect(matches(definition({ from_result: { when, kinds: ['jira'] } }), result)).toBe(false);
    expect(matches(definition({ from_result: { when, step: 'other' } }), result)).toBe(false);
    expect(
      matches(
        definition({ from_result: { when, workflow: '00000000-0000-4000-8000-000000000009' } }),
        result,
      ),
    ).toBe(false);
    expect(matches(definition({ from_result: { when: 'step.kind == "jira"' } }), result)).toBe(false);
    expect(matches(definition({}), result)).toBe(false);
  });

  it('throws for a condition that reads a field the result lacks (the mapper skips it)', () => {
    expect(() =>
      matches(definition({ from_result: { when: 'step.output.nothing.here' } }), result),
    ).toThrow();
  });
});
