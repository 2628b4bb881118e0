import { describe, expect, it } from 'vitest';
import { amountProblem } from './kri.ts';

const body = (amount: number | string | undefined, effect: 'decrement' | 'close_breach' = 'decrement') => ({
  event: 'patch_applied',
  kri: 'critical_cves_unpatched',
  effect,
  ...(amount === undefined ? {} : { amount }),
});

describe('amountProblem', () => {
  it('accepts numbers and numeric CEL over event.*', () => {
    expect(amountProblem(body(1))).toBeUndefined();
    expect(amountProblem(body('event.value * 2'))).toBeUndefined();
    expect(amountProblem(body('event.attributes.count'))).toBeUndefined();
    expect(amountProblem(body(undefined, 'close_breach'))).toBeUndefined();
  });

  it('refuses a missing, non-numeric, unparsable or foreign amount', () => {
    expect(amountProblem(body(undefined))).toMatch(/needs an amount/);
    expect(amountProblem(body("'five'"))).toMatch(/must be numeric/);
    expect(amountProblem(body('event.value +'))).toMatch(/not a valid CEL expression/);
    expect(amountProblem(body('trigger.value'))).toMatch(/only event/);
  });
});
