import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { fieldErrors, formatPath } from './issues.ts';

describe('formatPath', () => {
  test('formats keys with dots and indexes with brackets', () => {
    expect(formatPath(['steps', 2, 'webhook', 'url'])).toBe('steps[2].webhook.url');
    expect(formatPath(['triggers', 0])).toBe('triggers[0]');
    expect(formatPath([0, 'id'])).toBe('[0].id');
    expect(formatPath(['steps', 1, 2])).toBe('steps[1][2]');
    expect(formatPath([])).toBe('');
  });
});

describe('fieldErrors', () => {
  test('reports each branch error of a plain union at its full path', () => {
    const schema = z.object({ value: z.union([z.object({ a: z.string() }), z.number()]) });
    const result = schema.safeParse({ value: { a: 1 } });
    expect(result.success).toBe(false);
    expect(fieldErrors(result.error!)).toEqual([
      { path: 'value.a', message: 'Invalid input: expected string, received number' },
    ]);
  });

  test('names each unknown key of a strict object', () => {
    const result = z.strictObject({ list: z.array(z.strictObject({ a: z.int() })) }).safeParse({
      list: [{ a: 1 }, { a: 2, b: 3, c: 4 }],
    });
    expect(fieldErrors(result.error!)).toEqual([
      { path: 'list[1].b', message: 'unknown field' },
      { path: 'list[1].c', message: 'unknown field' },
    ]);
  });

  // Regression: inside a union branch, unknown keys were reported on the object as `Unrecognized key: "b"`.
  test('names unknown keys inside a union branch at their own path', () => {
    const schema = z.object({ value: z.union([z.strictObject({ a: z.string() }), z.number()]) });
    const result = schema.safeParse({ value: { a: 'x', b: 1 } });
    expect(fieldErrors(result.error!)).toEqual([{ path: 'value.b', message: 'unknown field' }]);
  });
});
