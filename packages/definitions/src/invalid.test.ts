/**
 * Bad input gets a clear error: each definition below is wrong in one way, and the validator names the
 * exact place and says what is wrong there. Unknown fields are refused, never ignored.
 */
import { describe, expect, test } from 'vitest';
import { definition, invalidDefinitions as cases } from './testing/invalid-definitions.ts';
import { validateDefinition } from './validate.ts';

describe('validateDefinition refuses bad input with the exact path and message', () => {
  test('the definition the cases start from is valid', () => {
    expect(validateDefinition(definition())).toMatchObject({ ok: true });
  });

  test('the cases are distinct', () => {
    expect(new Set(cases.map(([title]) => title)).size).toBe(cases.length);
    expect(new Set(cases.map(([, input]) => JSON.stringify(input))).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  test.each(cases)('%s', (_title, input, errors) => {
    expect(validateDefinition(input)).toEqual({ ok: false, errors });
  });
});
