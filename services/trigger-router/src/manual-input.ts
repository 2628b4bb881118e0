/**
 * A manual trigger may declare `input`: a JSON Schema (2020-12) its payload must satisfy. A payload that
 * does not is a 422 naming the first failing field.
 */
import type { WorkflowDefinition } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

export function checkManualInput(definition: WorkflowDefinition, payload: Record<string, unknown>): void {
  const manual = definition.triggers.find((t) => t.type === 'manual');
  // Without a manual trigger the API run is an operator's "run now" with any payload.
  if (!manual?.input) return;
  let validate = compiled.get(manual.input);
  if (!validate) {
    try {
      validate = ajv.compile(manual.input);
    } catch (error) {
      throw RiskloopError.invalid(
        `the manual trigger's input schema is not valid JSON Schema: ${String(error)}`,
        'triggers.input',
      );
    }
    compiled.set(manual.input, validate);
  }
  if (validate(payload)) return;
  const errors = (validate.errors ?? []).map((e) => {
    const missing = e.keyword === 'required' ? `/${String(e.params.missingProperty)}` : '';
    const path = `${e.instancePath}${missing}`.replace(/^\//, '').replace(/\//g, '.') || '(body)';
    return { path, message: e.message ?? 'invalid' };
  });
  const first = errors[0];
  throw RiskloopError.invalid(first ? `${first.path}: ${first.message}` : 'invalid input', first?.path, {
    errors,
  });
}
