/**
 * Numbers. JSON has one number type, and CEL's own JSON mapping (`google.protobuf.Value`) reads every JSON
 * number as a `double`; so do we: a payload's `21` and `21.5` are both doubles, and a result that is a
 * whole double comes back as a plain JSON number all the same.
 *
 * CEL keeps `int` and `double` apart and has no `1.5 * 2`: literals without a dot (`2`) and what `size()`,
 * `int()` and the timestamp accessors return are ints. So that `trigger.score * 2`, `trigger.n + 0.5` and
 * `size(xs) * trigger.weight` work whatever the payload holds, mixed `int`/`double` arithmetic is added:
 * the int is widened and the result is a double (`21.0 / 2` is `10.5`). Only all-int arithmetic stays
 * integral (`7 / 2` is `3`, `1 / 0` is an error). Comparisons across the two already work in CEL.
 * `%` is defined on doubles too (truncated, like int `%`, and an error by zero).
 */
import type { Environment } from '@marcbachmann/cel-js';

type Arithmetic = (a: number, b: number) => number;

const arithmetic: Record<string, Arithmetic> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': modulo,
};

function modulo(a: number, b: number): number {
  if (b === 0) throw new Error('modulus by zero');
  return a % b;
}

/** Register mixed `int`/`double` arithmetic, `double % double` and `int == double` on `environment`. */
export function registerMixedNumbers(environment: Environment): void {
  for (const [op, apply] of Object.entries(arithmetic)) {
    environment.registerOperator(`int ${op} double: double`, (a: bigint, b: number) => apply(Number(a), b));
    environment.registerOperator(`double ${op} int: double`, (a: number, b: bigint) => apply(a, Number(b)));
  }
  environment.registerOperator('double % double: double', modulo);
  // Registers `double == int` and both `!=` as well.
  environment.registerOperator('int == double', (a: bigint, b: number) => Number(a) === b);
}
