import { RiskloopError } from '@riskloop/kit';
import { describe, expect, test } from 'vitest';
import { maxYamlBytes, parseYaml, toYaml } from './yaml.ts';

function refusal(text: string): RiskloopError {
  try {
    parseYaml(text);
  } catch (error) {
    if (error instanceof RiskloopError) return error;
    throw error;
  }
  throw new Error('expected the YAML document to be refused');
}

/** Nine levels of nine aliases each: 9^9 (387 million) strings once expanded. */
function billionLaughs(): string {
  const lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let level = 1; level < 9; level++) {
    const previous = `*a${level - 1}`;
    lines.push(`a${level}: &a${level} [${Array(9).fill(previous).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

describe('parseYaml', () => {
  test('parses a definition and prints it back', () => {
    const text =
      'name: Notify\ntriggers:\n  - type: manual\nsteps:\n  - id: tell\n    type: slack\n    slack: { channel: "#grc", text: hi }\n';
    const parsed = parseYaml(text);
    expect(parsed).toEqual({
      name: 'Notify',
      triggers: [{ type: 'manual' }],
      steps: [{ id: 'tell', type: 'slack', slack: { channel: '#grc', text: 'hi' } }],
    });
    expect(parseYaml(toYaml(parsed))).toEqual(parsed);
  });

  // Expanding it would take gigabytes and minutes; the alias limit refuses it at once. The timeout only
  // catches an expansion that did start.
  test('refuses a billion-laughs alias bomb with bad_yaml', { timeout: 2_000 }, () => {
    const error = refusal(billionLaughs());
    expect(error.code).toBe('bad_yaml');
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      'the YAML document does not parse: Excessive alias count indicates a resource exhaustion attack',
    );
  });

  test('still accepts a few aliases', () => {
    expect(parseYaml('base: &base { channel: "#grc" }\ncopy: *base\n')).toEqual({
      base: { channel: '#grc' },
      copy: { channel: '#grc' },
    });
  });

  test('refuses a document over 1 MiB with 413 before parsing it', () => {
    // Unparseable YAML (an unclosed flow sequence): a parser that ran first would answer bad_yaml instead.
    const text = `[${'x'.repeat(maxYamlBytes)}`;
    const error = refusal(text);
    expect(error.code).toBe('too_large');
    expect(error.status).toBe(413);
    expect(error.message).toBe(`the YAML document is larger than ${maxYamlBytes} bytes`);
  });

  test('measures the size in bytes, not characters', () => {
    // 600k two-byte characters: under the limit in characters, over it in UTF-8 bytes.
    const error = refusal(`name: ${'é'.repeat(600_000)}\n`);
    expect(error.code).toBe('too_large');
  });

  test('refuses duplicate keys', () => {
    const error = refusal('name: first\nname: second\n');
    expect(error.code).toBe('bad_yaml');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(
      /^the YAML document does not parse: Map keys must be unique at line 2, column 1$/,
    );
  });

  test('refuses duplicate keys in a nested step', () => {
    const error = refusal('steps:\n  - id: a\n    type: slack\n    type: email\n');
    expect(error.code).toBe('bad_yaml');
  });

  test('refuses a document that does not parse, naming the line', () => {
    const error = refusal('name: [unclosed\n');
    expect(error.code).toBe('bad_yaml');
    expect(error.message).toMatch(/line/i);
  });
});

test('refuses tags the schema does not know instead of reading them as strings', () => {
  for (const text of ['name: !!js/function "function () {}"', 'name: !custom value']) {
    expect(() => parseYaml(text)).toThrow(expect.objectContaining({ code: 'bad_yaml' }));
  }
});
