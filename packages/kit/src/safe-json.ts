/**
 * Untrusted JSON and YAML as plain data: nesting deeper than a limit is refused before anything is built
 * (a scan of the text, so a million `[` costs one pass, not a stack overflow), and the keys that reach an
 * object's prototype (`__proto__`, `constructor`, `prototype`) are dropped wherever they appear.
 */
import { RiskloopError } from './errors.ts';

export const defaultMaxDepth = 64;

const unsafeKeys = new Set(['__proto__', 'constructor', 'prototype']);

const tooDeep = (maxDepth: number) =>
  new RiskloopError('too_deep', `the body is nested deeper than ${maxDepth} levels`, { status: 400 });

/** How deeply the JSON text nests objects and arrays, stopping once past `limit`. */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i += 1; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 125 || c === 93) depth -= 1;
  }
  return deepest;
}

/** Parse untrusted JSON: 400 when too deep or not JSON; prototype keys dropped. */
export function parseUntrustedJson(text: string, maxDepth = defaultMaxDepth): unknown {
  if (jsonDepth(text, maxDepth) > maxDepth) throw tooDeep(maxDepth);
  try {
    return JSON.parse(text, (key, value: unknown) => (unsafeKeys.has(key) ? undefined : value));
  } catch (error) {
    throw new RiskloopError('bad_json', 'the body is not valid JSON', { status: 400, cause: error });
  }
}

/**
 * An already parsed untrusted value (YAML) made safe the same way: 400 when nested deeper than
 * `maxDepth`; prototype keys removed in place. Iterative, so depth cannot overflow the stack.
 */
export function cleanUntrusted<T>(value: T, maxDepth = defaultMaxDepth): T {
  const stack: [unknown, number][] = [[value, 0]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    if (depth + 1 > maxDepth) throw tooDeep(maxDepth);
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) stack.push([item, depth + 1]);
      continue;
    }
    for (const key of Object.keys(node)) {
      if (unsafeKeys.has(key)) delete (node as Record<string, unknown>)[key];
      else stack.push([(node as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return value;
}
