import { describe, expect, it } from 'vitest';
import { cleanUntrusted, jsonDepth, parseUntrustedJson } from './safe-json.ts';

describe('parseUntrustedJson', () => {
  it('drops prototype keys at any depth and leaves Object.prototype alone', () => {
    const parsed = parseUntrustedJson(
      '{"a":1,"__proto__":{"polluted":true},"b":{"constructor":{"prototype":{"x":1}},"c":[{"__proto__":{"y":2}}]}}',
    ) as Record<string, unknown>;
    expect(parsed).toEqual({ a: 1, b: { c: [{}] } });
    expect(Object.hasOwn(parsed, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses nesting past the limit before parsing, and counts brackets inside strings as text', () => {
    expect(() => parseUntrustedJson('['.repeat(1_000_000), 64)).toThrow(/deeper than 64/);
    expect(jsonDepth('{"a":"[[[[{{{{"}')).toBe(1);
    expect(jsonDepth('{"a":"\\"[[[["}')).toBe(1);
    expect(parseUntrustedJson('[[[1]]]', 3)).toEqual([[[1]]]);
    expect(() => parseUntrustedJson('[[[[1]]]]', 3)).toThrow(/deeper than 3/);
  });

  it('answers 400 for text that is not JSON', () => {
    expect(() => parseUntrustedJson('{nope')).toThrow(/not valid JSON/);
  });
});

describe('cleanUntrusted', () => {
  it('removes prototype keys from parsed YAML and refuses deep nesting', () => {
    // as a YAML parser builds them: own, enumerable `__proto__` keys
    const value = { a: { constructor: 1, keep: [{ prototype: 2, ok: 3 }] } };
    Object.defineProperty(value.a, '__proto__', {
      value: { bad: true },
      enumerable: true,
      configurable: true,
      writable: true,
    });
    expect(cleanUntrusted(value)).toEqual({ a: { keep: [{ ok: 3 }] } });
    let deep: unknown = 1;
    for (let i = 0; i < 100; i += 1) deep = [deep];
    expect(() => cleanUntrusted(deep, 64)).toThrow(/deeper than 64/);
  });
});
