/**
 * CEL expressions: parsed once, type-checked, cached by source text, evaluated within a budget.
 *
 * Before parsing, `and`/`or`/`not` become `&&`/`||`/`!` and `matches` is routed to RE2 (`rewrite.ts`);
 * error messages quote the source as written. JSON numbers are CEL doubles and mixed int/double
 * arithmetic works (`numbers.ts`); results come back as plain JSON values (`values.ts`). What an
 * expression may cost is bounded by `expressionLimits` (`limits.ts`).
 */
import type { ASTNode, ParseResult } from '@marcbachmann/cel-js';
import { describeError, RiskloopError } from '@riskloop/kit';
import { environment, meter } from './environment.ts';
import { expressionLimits } from './limits.ts';
import { rewriteSource, safeMatches } from './rewrite.ts';
import { toJson } from './values.ts';

export type CompiledExpression = (context: Record<string, unknown>) => unknown;

interface Compiled {
  evaluate: CompiledExpression;
  ast: ASTNode;
}

/** Compiled expressions by source, least recently used first. */
const cache = new Map<string, Compiled>();
const cacheLimit = 2_000;

/**
 * Parse and type-check `source` once (cached); the result evaluates it against a context.
 * A bad expression throws a `RiskloopError` with code `invalid_expression` (422); a failed evaluation
 * throws one with code `expression_failed`.
 * @example compileExpression('trigger.severity in ["HIGH", "CRITICAL"] and not trigger.muted')(context)
 */
export function compileExpression(source: string): CompiledExpression {
  return compile(source).evaluate;
}

/** The parsed tree of `source` (cached with its compiled form), for static analysis. */
export function parseExpression(source: string): ASTNode {
  return compile(source).ast;
}

function compile(source: string): Compiled {
  const hit = cache.get(source);
  if (hit) {
    cache.delete(source);
    cache.set(source, hit);
    return hit;
  }
  const program = parse(source);
  const compiled: Compiled = {
    ast: program.ast,
    evaluate: (context) => {
      try {
        return toJson(meter(() => program(context) as unknown));
      } catch (error) {
        throw new RiskloopError('expression_failed', `${excerpt(source)}: ${summarize(error)}`, {
          cause: error,
        });
      }
    },
  };
  if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value ?? '');
  cache.set(source, compiled);
  return compiled;
}

function parse(source: string): ParseResult {
  if (source.length > expressionLimits.maxSourceLength) {
    throw invalid(
      source,
      `the expression has ${source.length} characters; the limit is ${expressionLimits.maxSourceLength}`,
    );
  }
  let program: ParseResult;
  try {
    program = environment.parse(rewriteSource(source));
  } catch (error) {
    throw invalid(source, located(source, error), error);
  }
  const checked = program.check();
  if (!checked.valid) throw invalid(source, located(source, checked.error), checked.error);
  return program;
}

function invalid(source: string, message: string, cause?: unknown): RiskloopError {
  return new RiskloopError(
    'invalid_expression',
    `invalid expression ${JSON.stringify(excerpt(source))}: ${message}`,
    {
      status: 422,
      cause,
    },
  );
}

/** A cel-js error's one-line summary (its message repeats the rewritten source), with where it is. */
function located(source: string, error: unknown): string {
  const start = (error as { range?: { start?: number } } | undefined)?.range?.start;
  if (typeof start !== 'number' || start < 0 || start > source.length) return summarize(error);
  const before = source.slice(0, start);
  const line = before.split('\n').length;
  const column = start - before.lastIndexOf('\n');
  return `${summarize(error)} (${line > 1 ? `line ${line}, ` : ''}column ${column})`;
}

function summarize(error: unknown): string {
  const summary = (error as { summary?: unknown } | undefined)?.summary;
  const text = typeof summary === 'string' ? summary : describeError(error);
  return text.replaceAll(safeMatches, 'matches').slice(0, 500);
}

/** Error messages quote at most this much of an expression (a hostile one can be huge). */
function excerpt(source: string): string {
  return source.length > 120 ? `${source.slice(0, 120)}…` : source;
}
