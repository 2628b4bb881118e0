/**
 * The JSON Schema the interview's LLM is asked to fill accepts every workflow of the gallery and refuses
 * what the validator refuses for shape reasons (unknown fields, unknown step types).
 */
import { workflowDefinitionJsonSchema } from '@riskloop/contracts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseYaml } from './yaml.ts';

const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(workflowDefinitionJsonSchema());

describe('workflowDefinitionJsonSchema', () => {
  const files = readdirSync(examples).filter((f) => f.endsWith('.yaml'));

  test('covers every step kind', () => {
    const text = JSON.stringify(workflowDefinitionJsonSchema());
    for (const kind of [
      'notify',
      'approval',
      'branch',
      'parallel',
      'emit_kri',
      'expert_panel',
      'remediation',
      'terminate',
    ]) {
      expect(text).toContain(`"const":"${kind}"`);
    }
  });

  test.each(files)('accepts %s', (file) => {
    const ok = validate(parseYaml(readFileSync(`${examples}${file}`, 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('refuses an unknown field and an unknown step type', () => {
    const base = {
      name: 'x',
      triggers: [{ type: 'manual' }],
      steps: [{ id: 'a', type: 'set', set: { vars: {} } }],
    };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, owner_email: 'x' })).toBe(false);
    expect(validate({ ...base, steps: [{ id: 'a', type: 'runScript', runScript: {} }] })).toBe(false);
  });
});
