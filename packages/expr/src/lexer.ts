/**
 * A CEL tokenizer that is just precise enough to know what is code: string and bytes literals (quoted,
 * triple-quoted, raw), comments, identifiers and `\`quoted\`` field names. The alias rewrite and the
 * `{{ }}` scanner use it so that nothing inside a string literal is ever touched. It never throws: an
 * unterminated literal runs to the end of its line (or of the input) and the parser reports it.
 */

export type TokenKind = 'space' | 'comment' | 'string' | 'identifier' | 'quoted' | 'number' | 'punct';

export interface Token {
  kind: TokenKind;
  /** Offset of the first character. */
  start: number;
  /** Offset after the last character. */
  end: number;
}

const identifierStart = /[A-Za-z_]/;
const identifierPart = /[A-Za-z0-9_]/;
const digit = /[0-9]/;
const space = /\s/;

/**
 * The tokens of `source` from offset `from`, in order.
 * @example [...tokens('a and "b"')].map((t) => t.kind) // ['identifier', 'space', 'identifier', 'space', 'string']
 */
export function* tokens(source: string, from = 0): Generator<Token> {
  let i = from;
  while (i < source.length) {
    const start = i;
    const kind = scanOne(source, i);
    i = kind.end;
    yield { kind: kind.kind, start, end: i };
  }
}

function scanOne(s: string, i: number): { kind: TokenKind; end: number } {
  const c = s[i] ?? '';
  if (space.test(c)) {
    let j = i + 1;
    while (j < s.length && space.test(s[j] ?? '')) j++;
    return { kind: 'space', end: j };
  }
  if (c === '/' && s[i + 1] === '/') {
    const newline = s.indexOf('\n', i);
    return { kind: 'comment', end: newline < 0 ? s.length : newline };
  }
  if (c === '"' || c === "'") return { kind: 'string', end: stringEnd(s, i, false) };
  if (identifierStart.test(c)) {
    const prefix = /^[rRbB]{1,2}(?=["'])/.exec(s.slice(i, i + 3));
    if (prefix && isLiteralPrefix(prefix[0])) {
      const quote = i + prefix[0].length;
      return { kind: 'string', end: stringEnd(s, quote, /r/i.test(prefix[0])) };
    }
    let j = i + 1;
    while (j < s.length && identifierPart.test(s[j] ?? '')) j++;
    return { kind: 'identifier', end: j };
  }
  if (c === '`') {
    const close = s.indexOf('`', i + 1);
    return { kind: 'quoted', end: close < 0 ? s.length : close + 1 };
  }
  if (digit.test(c) || (c === '.' && digit.test(s[i + 1] ?? '')))
    return { kind: 'number', end: numberEnd(s, i) };
  return { kind: 'punct', end: i + 1 };
}

/** `r`, `b`, `rb` and `br` in either case; not `rr` or `bb`. */
function isLiteralPrefix(prefix: string): boolean {
  return prefix.length === 1 || prefix[0]?.toLowerCase() !== prefix[1]?.toLowerCase();
}

/** The offset after the literal whose opening quote is at `quote`. */
function stringEnd(s: string, quote: number, raw: boolean): number {
  const q = s[quote] ?? '"';
  const triple = s.startsWith(q.repeat(3), quote);
  let j = quote + (triple ? 3 : 1);
  while (j < s.length) {
    const c = s[j];
    if (!raw && c === '\\') j += 2;
    else if (triple && s.startsWith(q.repeat(3), j)) return j + 3;
    else if (!triple && c === q) return j + 1;
    else if (!triple && c === '\n') return j;
    else j++;
  }
  return s.length;
}

function numberEnd(s: string, i: number): number {
  const match = /^(?:0[xX][0-9a-fA-F]+|[0-9]*(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)[uU]?/.exec(s.slice(i));
  return i + Math.max(1, match?.[0].length ?? 1);
}
