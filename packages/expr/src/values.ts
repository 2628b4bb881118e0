/**
 * CEL results as plain JSON values: ints and uints become numbers, timestamps RFC 3339 strings, durations
 * their CEL text (`"90s"`), bytes base64 (the protobuf JSON mapping), maps objects, optionals their value
 * or `null`. A non-finite double (`1.0 / 0.0`) has no JSON form and is an error.
 */
import { Optional } from '@marcbachmann/cel-js';

export function toJson(value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return Number(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`the result ${value} is not a finite number`);
      return value;
    case 'object':
      return value === null ? null : objectToJson(value);
    default:
      return value;
  }
}

function objectToJson(value: object): unknown {
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Optional) return value.hasValue() ? toJson(value.value()) : null;
  if (value instanceof Map) {
    return Object.fromEntries([...(value as Map<unknown, unknown>)].map(([k, v]) => [String(k), toJson(v)]));
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype === Object.prototype || prototype === null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  // What is left: uint (its valueOf is a bigint), type (it has a name), duration (its text is CEL's).
  const primitive = value.valueOf();
  if (typeof primitive === 'bigint') return Number(primitive);
  const described = value as { name?: unknown; toString(): unknown };
  if (typeof described.name === 'string') return described.name;
  const text = described.toString();
  return typeof text === 'string' ? text : null;
}
