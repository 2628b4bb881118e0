/**
 * Source rewrites applied before parsing, token by token: never inside a string literal or a comment,
 * never part of a longer identifier such as `android` or `not_before`.
 *
 * - `and`, `or`, `not` become `&&`, `||`, `!`, so that the seeds' conditions read naturally; a field
 *   with one of those names (`x.and`, `x.?or`) is left alone, and `x["not"]` is a string anyway;
 * - a call to `matches` (method or function) becomes a call to `matchRE`, the RE2 (linear-time) implementation registered in
 *   `environment.ts`: cel-js's own `matches` uses a backtracking `RegExp`, and `"aaaa…!".matches("^(a+)+$")`
 *   would stall the process.
 *
 * Every replacement is padded to the length of the word it replaces, so that an offset reported by the
 * parser is the offset in the source the author wrote.
 */
import { type Token, tokens } from './lexer.ts';

const replacements: Record<string, string> = {
  and: '&& ',
  or: '||',
  not: '!  ',
};

/** The name `matches(...)` calls are routed to; same length as `matches`. */
export const safeMatches = 'matchRE';

/**
 * `source` with the aliases replaced, offsets unchanged.
 * @example rewriteSource('a and not b.not') // 'a && !   b.not'
 */
export function rewriteSource(source: string): string {
  const all = [...tokens(source)].filter((t) => t.kind !== 'space' && t.kind !== 'comment');
  let out = '';
  let copied = 0;
  all.forEach((token, i) => {
    if (token.kind !== 'identifier') return;
    const word = source.slice(token.start, token.end);
    const next = all[i + 1];
    const replacement =
      word === 'matches'
        ? next && source[next.start] === '('
          ? safeMatches
          : undefined
        : isMember(source, all[i - 1], all[i - 2])
          ? undefined
          : replacements[word];
    if (replacement === undefined) return;
    out += source.slice(copied, token.start) + replacement;
    copied = token.end;
  });
  return out + source.slice(copied);
}

/** Whether an identifier after `last` is a field (`x.and`, `x.?or`) rather than a word of its own. */
function isMember(source: string, last: Token | undefined, before: Token | undefined): boolean {
  if (last?.kind !== 'punct') return false;
  if (source[last.start] === '.') return true;
  return source[last.start] === '?' && before?.end === last.start && source[before.start] === '.';
}
