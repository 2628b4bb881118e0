/**
 * Definitions as YAML: parsed with limits (no alias expansion bombs, bounded size) and printed for export.
 */
import { RiskloopError } from '@riskloop/kit';
import { parse, stringify } from 'yaml';

/** Larger documents are refused before parsing. */
export const maxYamlBytes = 1024 * 1024;

export function parseYaml(text: string): unknown {
  if (Buffer.byteLength(text) > maxYamlBytes) {
    throw new RiskloopError('too_large', `the YAML document is larger than ${maxYamlBytes} bytes`, {
      status: 413,
    });
  }
  try {
    // maxAliasCount stops billion-laughs documents: each alias may be expanded at most this often.
    return parse(text, { maxAliasCount: 50, prettyErrors: true, strict: true, uniqueKeys: true }) as unknown;
  } catch (error) {
    // The first line holds the reason and position; the rest is a source excerpt.
    const message = (error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)).replace(
      /:$/,
      '',
    );
    throw new RiskloopError('bad_yaml', `the YAML document does not parse: ${message}`, { status: 400 });
  }
}

export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
