/** The libraries under comparison, behind one interface, and a library-neutral view of their values. */
import { Environment } from '@marcbachmann/cel-js';
import { compileExpression } from '../src/index.ts';

export type Evaluate = (bindings: Record<string, unknown>) => unknown;

/** One library under test, behind the same three operations. */
export interface Candidate {
  name: string;
  /** Parse (and plan) once; the result evaluates, throwing on an evaluation error. */
  compile(source: string): Evaluate;
  /** A conformance-suite value (protobuf JSON) as this library's input. */
  input(value: ProtoValue): unknown;
  /** A result in a library-neutral text form, so that `int 1` and `double 1` differ. */
  canonical(value: unknown): string;
}

// ---------------------------------------------------------------------------------------------------------
// Candidates

export function celJs(): Candidate {
  const environment = new Environment({
    unlistedVariablesAreDyn: true,
    homogeneousAggregateLiterals: false,
    enableOptionalTypes: true,
  });
  // UnsignedInt is not exported; a uint literal hands us its constructor.
  const Uint = (environment.evaluate('0u') as object).constructor as new (value: bigint) => unknown;
  return {
    name: '@marcbachmann/cel-js',
    compile: (source) => environment.parse(source),
    input: (value) => fromProto(value, { uint: (v) => new Uint(v), map: (entries) => new Map(entries) }),
    canonical: (value) =>
      canonical(value, (v) => Object.prototype.toString.call(v) === '[object UnsignedInt]'),
  };
}

interface BufCel {
  parse(source: string): unknown;
  plan(env: unknown, ast: unknown): (bindings?: Record<string, unknown>) => unknown;
  celEnv(options?: { funcs?: unknown[] }): unknown;
  isCelError(value: unknown): value is Error;
  celUint(value: bigint): unknown;
  isCelUint(value: unknown): boolean;
}

export async function bufbuild(): Promise<Candidate | string> {
  const specifier = '@bufbuild/cel';
  let cel: BufCel;
  let ext: { strings: unknown[] };
  try {
    cel = (await import(specifier)) as BufCel;
    ext = (await import(`${specifier}/ext`)) as { strings: unknown[] };
  } catch {
    return `${specifier} is not installed (npm install --no-save @bufbuild/cel@0.6.1); skipping it`;
  }
  const env = cel.celEnv({ funcs: ext.strings });
  return {
    name: '@bufbuild/cel',
    compile(source) {
      const evaluate = cel.plan(env, cel.parse(source));
      return (bindings) => {
        const result = evaluate(bindings);
        if (cel.isCelError(result)) throw result;
        return result;
      };
    },
    input: (value) => fromProto(value, { uint: (v) => cel.celUint(v), map: (entries) => new Map(entries) }),
    canonical: (value) => canonical(value, (v) => cel.isCelUint(v)),
  };
}

/** This package: cel-js plus the rewrites, mixed numbers, RE2, the budget and JSON results. */
export function riskloopExpr(): Candidate {
  return {
    name: '@riskloop/expr',
    compile: (source) => compileExpression(source),
    input: () => {
      throw new Error('the conformance suite runs on the libraries alone');
    },
    canonical: (value) => JSON.stringify(value),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Values

/** A cel.expr.Value in protobuf JSON form, as the conformance suite writes it. */
export type ProtoValue = Record<string, unknown>;

export function fromProto(
  value: ProtoValue,
  make: { uint: (v: bigint) => unknown; map: (entries: [unknown, unknown][]) => unknown },
): unknown {
  const [[kind, v] = ['nullValue', null]] = Object.entries(value);
  switch (kind) {
    case 'nullValue':
      return null;
    case 'boolValue':
    case 'stringValue':
      return v;
    case 'int64Value':
      return BigInt(v as string);
    case 'uint64Value':
      return make.uint(BigInt(v as string));
    case 'doubleValue':
      return typeof v === 'string' ? Number(v) : v;
    case 'bytesValue':
      return new Uint8Array(Buffer.from(v as string, 'base64'));
    case 'listValue':
      return ((v as { values?: ProtoValue[] }).values ?? []).map((item) => fromProto(item, make));
    case 'mapValue':
      return make.map(
        ((v as { entries?: { key: ProtoValue; value: ProtoValue }[] }).entries ?? []).map((e) => [
          fromProto(e.key, make),
          fromProto(e.value, make),
        ]),
      );
    default:
      throw new Error(`unsupported value kind ${kind}`);
  }
}

function canonical(value: unknown, isUint: (value: object) => boolean): string {
  const walk = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'bigint') return `int ${v}`;
    if (typeof v === 'number') return `double ${Object.is(v, -0) ? 0 : v}`;
    if (typeof v === 'boolean') return `bool ${v}`;
    if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
    if (v instanceof Uint8Array) return `bytes ${Buffer.from(v).toString('hex')}`;
    if (v instanceof Date) return `timestamp ${v.toISOString()}`;
    if (typeof v !== 'object') return `other ${typeof v}`;
    if (isUint(v)) return `uint ${String((v as { value: bigint }).value)}`;
    if (Array.isArray(v) || isIterableList(v))
      return `[${[...(v as Iterable<unknown>)].map(walk).join(', ')}]`;
    const entries = isMapLike(v) ? [...v.entries()] : Object.entries(v);
    return `{${entries
      .map(([k, item]) => `${walk(k)}: ${walk(item)}`)
      .sort()
      .join(', ')}}`;
  };
  return walk(value);
}

/** A Map, or @bufbuild/cel's CelMap (a ReadonlyMap that is not a Map). */
function isMapLike(value: object): value is ReadonlyMap<unknown, unknown> {
  return typeof (value as Partial<ReadonlyMap<unknown, unknown>>).entries === 'function' && 'has' in value;
}

/** @bufbuild/cel's CelList: iterable with `size` and `get`, unlike its CelMap (a ReadonlyMap). */
function isIterableList(value: object): boolean {
  return !(value instanceof Map) && Symbol.iterator in value && 'size' in value && !('has' in value);
}
