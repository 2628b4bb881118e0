/** The official cel-spec conformance suite (simple tests), where a test needs no protobuf messages. */
import { type Candidate, type ProtoValue } from './candidates.ts';
import { print, table } from './report.ts';

interface ConformanceTest {
  original: {
    name?: string;
    expr: string;
    value?: ProtoValue;
    evalError?: unknown;
    typedResult?: { result?: ProtoValue };
    bindings?: Record<string, { value?: ProtoValue }>;
    container?: string;
    typeEnv?: unknown;
    checkOnly?: boolean;
    disableMacros?: boolean;
  };
}
interface ConformanceSuite {
  name: string;
  suites?: ConformanceSuite[];
  tests?: ConformanceTest[];
}

const extensionSuites = new Set([
  'bindings_ext',
  'macros2',
  'block_ext',
  'encoders_ext',
  'math_ext',
  'optionals',
  'string_ext',
]);

/** Tests that need protobuf messages, a container, unknowns or type values are not portable. */
function portable(test: ConformanceTest): boolean {
  const o = test.original;
  if (o.container || o.typeEnv || o.checkOnly || o.disableMacros) return false;
  if (!o.value && !o.evalError && !o.typedResult?.result) return false;
  return !/objectValue|typeValue|unknown|enumValue|google\.protobuf|TestAllTypes/.test(JSON.stringify(o));
}

function conformancePasses(candidate: Candidate, test: ConformanceTest): boolean {
  const o = test.original;
  try {
    const bindings = Object.fromEntries(
      Object.entries(o.bindings ?? {}).map(([k, v]) => [k, candidate.input(v.value ?? {})]),
    );
    const result = candidate.compile(o.expr)(bindings);
    const expected = o.value ?? o.typedResult?.result;
    if (!expected) return false;
    return candidate.canonical(result) === candidate.canonical(candidate.input(expected));
  } catch {
    return o.evalError !== undefined;
  }
}

export async function conformance(candidates: Candidate[], listFailures: boolean): Promise<void> {
  let suite: ConformanceSuite;
  try {
    const specifier = '@bufbuild/cel-spec/testdata/conformance.js';
    suite = ((await import(specifier)) as { tests: ConformanceSuite }).tests;
  } catch {
    print('conformance: @bufbuild/cel-spec (installed with @bufbuild/cel) is not installed; skipping it');
    return;
  }
  const rows: string[][] = [];
  const totals = { core: candidates.map(() => 0), ext: candidates.map(() => 0), coreN: 0, extN: 0 };
  for (const top of suite.suites ?? []) {
    const tests = flatten(top).filter(portable);
    if (tests.length === 0) continue;
    const ext = extensionSuites.has(top.name);
    const passed = candidates.map((c) => {
      const failed = tests.filter((t) => !conformancePasses(c, t));
      if (listFailures && !ext)
        for (const t of failed) print(`  ${c.name} fails ${top.name}: ${t.original.expr}`);
      return tests.length - failed.length;
    });
    passed.forEach((n, i) => {
      const bucket = ext ? totals.ext : totals.core;
      bucket[i] = (bucket[i] ?? 0) + n;
    });
    if (ext) totals.extN += tests.length;
    else totals.coreN += tests.length;
    rows.push([ext ? `${top.name} (ext)` : top.name, String(tests.length), ...passed.map(String)]);
  }
  const percent = (n: number, of: number) => `${n} (${((n / of) * 100).toFixed(1)}%)`;
  rows.push(['core total', String(totals.coreN), ...totals.core.map((n) => percent(n, totals.coreN))]);
  rows.push(['extensions total', String(totals.extN), ...totals.ext.map((n) => percent(n, totals.extN))]);
  table(['conformance suite (portable tests)', 'tests', ...candidates.map((c) => c.name)], rows);
}

function flatten(suite: ConformanceSuite): ConformanceTest[] {
  return [...(suite.tests ?? []), ...(suite.suites ?? []).flatMap(flatten)];
}
