import { describe, expect, test } from 'vitest';
import { tokens } from './lexer.ts';
import { rewriteSource } from './rewrite.ts';

describe('rewriteSource', () => {
  test('replaces the word aliases, keeping every offset', () => {
    const cases = {
      'a and b': 'a &&  b',
      'a or b': 'a || b',
      'not a': '!   a',
      'not(a)and(b)or(c)': '!  (a)&& (b)||(c)',
      'a ? not b : c': 'a ? !   b : c',
      'a\nand\tb': 'a\n&& \tb',
    };
    for (const [source, rewritten] of Object.entries(cases)) {
      expect(rewriteSource(source)).toBe(rewritten);
      expect(rewriteSource(source)).toHaveLength(source.length);
    }
  });

  test('leaves identifiers that contain the words alone', () => {
    for (const source of [
      'android || order.not_before',
      'nota && band && ore && and_more && _and && AND && Or',
      'trigger.and && trigger.?or && x.not',
      'trigger . and',
    ]) {
      expect(rewriteSource(source)).toBe(source);
    }
  });

  test('leaves string literals and comments alone, in every quoting', () => {
    for (const source of [
      '"a and b"',
      "'not or'",
      '"""and\n"or" not"""',
      "'''it's and'''",
      'r"and \\d" + R\'or\\\'',
      'b"and" + B\'or\' + rb"not" + Br\'and\'',
      '"escaped \\" and"',
      'x // and or not',
      '`and`',
    ]) {
      expect(rewriteSource(source)).toBe(source);
    }
    expect(rewriteSource('"x" and "y" // not')).toBe('"x" &&  "y" // not');
    expect(rewriteSource('"""and""" or \'or\'')).toBe('"""and""" || \'or\'');
  });

  test('an unterminated literal stops at the end of its line', () => {
    expect(rewriteSource('"open and\nb and c')).toBe('"open and\nb &&  c');
  });

  test('routes calls to matches (method or function) to RE2, and nothing else', () => {
    expect(rewriteSource('s.matches("x") and matches(s, "y")')).toBe('s.matchRE("x") &&  matchRE(s, "y")');
    expect(rewriteSource('trigger.matches && "matches(" != matches_x(1)')).toBe(
      'trigger.matches && "matches(" != matches_x(1)',
    );
  });
});

describe('tokens', () => {
  test('splits a source into the kinds the rewrite needs', () => {
    const source = 'a.b>=1.5e3u "s" r\'t\' // c\n`q`';
    const kinds = [...tokens(source)].map((t) => [t.kind, source.slice(t.start, t.end)]);
    expect(kinds).toEqual([
      ['identifier', 'a'],
      ['punct', '.'],
      ['identifier', 'b'],
      ['punct', '>'],
      ['punct', '='],
      ['number', '1.5e3u'],
      ['space', ' '],
      ['string', '"s"'],
      ['space', ' '],
      ['string', "r't'"],
      ['space', ' '],
      ['comment', '// c'],
      ['space', '\n'],
      ['quoted', '`q`'],
    ]);
  });
});
