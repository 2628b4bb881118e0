/** JSON Schema checks for remediation actions (ajv, draft 2020-12): compiled once per schema document. */
import { RiskloopError } from '@riskloop/kit';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const compiled = new Map<string, ValidateFunction>();
const cacheLimit = 500;

/** A validator for `schema`; a schema that does not compile is an `invalid` error naming `path`. */
export function validatorOf(schema: Record<string, unknown>, path: string): ValidateFunction {
  const key = JSON.stringify(schema);
  const hit = compiled.get(key);
  if (hit) return hit;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw RiskloopError.invalid(`${path} is not a valid JSON Schema: ${(error as Error).message}`, path);
  }
  if (compiled.size >= cacheLimit) compiled.delete(compiled.keys().next().value ?? '');
  compiled.set(key, validate);
  return validate;
}

/** The first problem of `value` against `schema` as `field: message`, or undefined when it matches. */
export function firstProblem(validate: ValidateFunction, value: unknown): string | undefined {
  if (validate(value)) return undefined;
  const e = validate.errors?.[0];
  if (!e) return 'does not match the schema';
  const missing = e.keyword === 'required' ? `/${String(e.params.missingProperty)}` : '';
  const path = `${e.instancePath}${missing}`.replace(/^\//, '').replace(/\//g, '.') || '(root)';
  return `${path}: ${e.message ?? 'invalid'}`;
}
