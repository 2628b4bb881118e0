/**
 * `matches` on RE2 (`@bufbuild/re2`): linear in the input, as the CEL spec requires, where a backtracking
 * `RegExp` can take exponential time (`"aaaa…!".matches("^(a+)+$")`). Patterns are compiled once and
 * kept in a small bounded cache.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { RE2JS } from '@bufbuild/re2';
import { safeMatches } from './rewrite.ts';

const compiled = new Map<string, RE2JS>();
const cacheLimit = 256;

/** Whether `pattern` (RE2 syntax) matches anywhere in `text`. */
export function re2Matches(text: string, pattern: string): boolean {
  let re = compiled.get(pattern);
  if (!re) {
    try {
      re = new RE2JS(pattern);
    } catch (error) {
      const reason =
        error instanceof Error ? `: ${error.message.replace(/^error parsing regexp: /, '')}` : '';
      throw new Error(`invalid regular expression ${JSON.stringify(pattern)}${reason}`, { cause: error });
    }
    if (compiled.size >= cacheLimit) compiled.delete(compiled.keys().next().value ?? '');
    compiled.set(pattern, re);
  }
  return re.test(text);
}

/** Register `string.matchRE(string)` and `matchRE(string, string)`: what `matches(...)` is rewritten to. */
export function registerRe2Matches(environment: Environment): void {
  environment.registerFunction(`string.${safeMatches}(string): bool`, re2Matches);
  environment.registerFunction(`${safeMatches}(string, string): bool`, re2Matches);
}
