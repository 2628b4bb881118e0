import type { KriDefinitionView } from '@riskloop/contracts';
import { describe, expect, it } from 'vitest';
import { amountOf } from './emitter.ts';

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
    expect(amountOf(definition({ amount: 3 }), { event: 'patch_applied' })).toBe(3);
    expect(amountOf(definition({ amount: 'event.value' }), { event: 'patch_applied', value: 14 })).toBe(14);
    expect(
      amountOf(definition({ amount: 'event.attributes.count * 2' }), {
        event: 'patch_applied',
        attributes: { count: 4 },
      }),
    ).toBe(8);
  });

  it('has no amount for close_breach, and explains an amount that is not a number', () => {
    expect(amountOf(definition({ effect: 'close_breach' }), { event: 'patch_applied' })).toBeNull();
    expect(
      amountOf(definition({ amount: 'event.value' }), { event: 'patch_applied', value: 'many' }),
    ).toMatch(/not a number/);
    expect(amountOf(definition({ amount: 'event.attributes.missing' }), { event: 'patch_applied' })).toMatch(
      /failed/,
    );
  });
});
