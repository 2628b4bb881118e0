import type { WorkflowDefinition } from '@riskloop/contracts';
import { isRiskloopError } from '@riskloop/kit';
import { describe, expect, it } from 'vitest';
import { checkManualInput } from './manual-input.ts';

const definition = (input?: Record<string, unknown>): WorkflowDefinition => ({
  name: 'm',
  triggers: [{ type: 'manual', ...(input ? { input } : {}) }],
  steps: [{ id: 's', type: 'set', set: { vars: { a: 1 } } }] as WorkflowDefinition['steps'],
});

const schema = {
  type: 'object',
  required: ['asset'],
  properties: { asset: { type: 'string' }, priority: { type: 'integer', minimum: 1 } },
};

describe('checkManualInput', () => {
  it('accepts any payload without a schema, and a payload that satisfies it', () => {
    expect(() => checkManualInput(definition(), { anything: 1 })).not.toThrow();
    expect(() => checkManualInput(definition(schema), { asset: 'db-1', priority: 2 })).not.toThrow();
  });

  it('refuses a payload that breaks the schema with 422 naming the field', () => {
    for (const [payload, path] of [
      [{}, 'asset'],
      [{ asset: 'db-1', priority: 0 }, 'priority'],
    ] as const) {
      try {
        checkManualInput(definition(schema), payload);
        expect.unreachable();
      } catch (error) {
        expect(isRiskloopError(error) && error.status).toBe(422);
        expect(isRiskloopError(error) && error.path).toBe(path);
      }
    }
  });
});
