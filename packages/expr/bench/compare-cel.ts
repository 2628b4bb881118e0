/**
 * Compares CEL libraries for `packages/expr`: evaluation speed (parse once, evaluate many) on GRC conditions
 * over JSON-shaped contexts, a list of CEL features, and the portable part of the official cel-spec
 * conformance suite. Prints tables; the figures and the decision are recorded in ../README.md.
 *
 *   npx tsx packages/expr/bench/compare-cel.ts
 *
 * `@marcbachmann/cel-js` is a dependency. `@bufbuild/cel` (and the conformance data in `@bufbuild/cel-spec`)
 * is not kept installed; for the full comparison install it without saving first:
 *
 *   npm install --no-save @bufbuild/cel@0.6.1 && npx tsx packages/expr/bench/compare-cel.ts
 */
import { bufbuild, type Candidate, celJs, type Evaluate, riskloopExpr } from './candidates.ts';
import { conditions, context, type Feature, features, hostileInputs } from './cases.ts';
import { conformance } from './conformance.ts';
import { print, table } from './report.ts';

/** `--failures` lists the core conformance tests each library fails, instead of the other tables. */
const listFailures = process.argv.includes('--failures');

// ---------------------------------------------------------------------------------------------------------
// Speed: parse once, evaluate many

function opsPerSecond(evaluate: Evaluate, bindings: Record<string, unknown>): number {
  for (let i = 0; i < 2_000; i++) evaluate(bindings);
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    let n = 0;
    const started = performance.now();
    let elapsed = 0;
    while (elapsed < 150) {
      for (let i = 0; i < 500; i++) evaluate(bindings);
      n += 500;
      elapsed = performance.now() - started;
    }
    rounds.push((n / elapsed) * 1_000);
  }
  return rounds.sort((a, b) => a - b)[2] ?? 0;
}

function parsesPerSecond(candidate: Candidate, source: string): number {
  const started = performance.now();
  let n = 0;
  // A fresh source each time, so that no cache answers.
  while (performance.now() - started < 150) candidate.compile(`${source} || ${n++ % 2 === 0}`);
  return (n / (performance.now() - started)) * 1_000;
}

function speed(candidates: Candidate[]): void {
  const rows: string[][] = [];
  for (const [name, source] of Object.entries(conditions)) {
    const row = [name];
    const results = new Set<string>();
    for (const candidate of candidates) {
      const evaluate = candidate.compile(source);
      results.add(JSON.stringify(normalize(evaluate(context))));
      row.push(formatOps(opsPerSecond(evaluate, context)));
    }
    if (results.size > 1) row.push(`results differ: ${[...results].join(' vs ')}`);
    rows.push(row);
  }
  const libraries = candidates.filter((c) => c.name !== '@riskloop/expr');
  rows.push([
    'parse (nested map lookups)',
    ...libraries.map((c) => formatOps(parsesPerSecond(c, conditions['nested map lookups'] ?? ''))),
  ]);
  table(['evaluate, ops/s (median of 5)', ...candidates.map((c) => c.name)], rows);
}

function normalize(value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

function formatOps(ops: number): string {
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(2)} M`;
  return ops >= 1e4 ? `${(ops / 1e3).toFixed(0)} k` : `${Math.round(ops)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Features: each expression is true, or is an error

/** `true`, `error`, or what happened instead. */
function outcome(candidate: Candidate, { expr, bindings = {}, maxMs }: Feature): string {
  try {
    const started = performance.now();
    const result = candidate.compile(expr)(bindings);
    const ms = performance.now() - started;
    if (maxMs !== undefined && ms > maxMs) return `took ${ms.toFixed(0)} ms`;
    return result === true ? 'true' : `returned ${candidate.canonical(result)}`;
  } catch (error) {
    return (error as Error).message.includes('unsupported') ? `unsupported` : 'error';
  }
}

function featureTable(candidates: Candidate[]): void {
  const passed = candidates.map(() => 0);
  const rows = features.map((f) => [
    f.extension ? `${f.feature} (ext)` : f.feature,
    ...candidates.map((candidate, i) => {
      const got = outcome(candidate, f);
      if (got === f.expect) {
        passed[i] = (passed[i] ?? 0) + 1;
        return 'pass';
      }
      return `FAIL (${got.slice(0, 40)})`;
    }),
  ]);
  rows.push(['passed', ...passed.map((n) => `${n} / ${features.length}`)]);
  table(['feature', ...candidates.map((c) => c.name)], rows);
}

// ---------------------------------------------------------------------------------------------------------
// Hostile inputs: how long each takes, or how it is rejected

function hostile(candidates: Candidate[]): void {
  const rows = hostileInputs.map(({ what, expr, bindings = {} }) => [
    what,
    ...candidates.map((candidate) => {
      const started = performance.now();
      let verdict: string;
      try {
        candidate.compile(expr)(bindings);
        verdict = 'ran';
      } catch (error) {
        verdict = `rejected: ${firstLine(error, expr).slice(0, 72)}`;
      }
      return `${(performance.now() - started).toFixed(0)} ms, ${verdict}`;
    }),
  ]);
  table(['hostile input', ...candidates.map((c) => c.name)], rows);
}

/** The first line of an error, without the expression it quotes. */
function firstLine(error: unknown, expr: string): string {
  const text = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  const quoted = text.match(/^invalid expression ".*?": (.*)$/)?.[1];
  if (quoted) return quoted;
  const at = text.indexOf(': ');
  return at > 0 && expr.startsWith(text.slice(0, Math.min(at, 100)).replace(/…$/, ''))
    ? text.slice(at + 2)
    : text;
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const candidates: Candidate[] = [celJs()];
  const buf = await bufbuild();
  if (typeof buf === 'string') print(buf);
  else candidates.push(buf);
  print(`node ${process.version}, ${process.platform}/${process.arch}\n`);
  const all = [...candidates, riskloopExpr()];
  if (!listFailures) {
    speed(all);
    featureTable(all);
    hostile(all);
  }
  await conformance(candidates, listFailures);
}

await main();
