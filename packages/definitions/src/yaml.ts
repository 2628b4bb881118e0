/**
 * Definitions as YAML: parsed with limits (no alias expansion bombs, bounded size) and printed for export.
 */
import { RiskloopError } from '@riskloop/kit';
import { parseDocument, stringify } from 'yaml';

/** Larger documents are refused before parsing. */
export const maxYamlBytes = 1024 * 1024;

export function parseYaml(text: string): unknown {
  if (Buffer.byteLength(text) > maxYamlBytes) {
    throw new RiskloopError('too_large', `the YAML document is larger than ${maxYamlBytes} bytes`, {
      status: 413,
    });
  }
  try {
    const document = parseDocument(text, {
      prettyErrors: true,
      strict: true,
      uniqueKeys: true,
      logLevel: 'silent',
    });
    // A tag the schema does not know (`!!js/function`, `!custom`) is a warning to the yaml library; for a
    // definition it is a mistake, and it must not pass as a plain string.
    const problem = document.errors[0] ?? document.warnings[0];
    if (problem) throw problem;
    // maxAliasCount stops billion-laughs documents: each alias may be expanded at most this often.
    return document.toJS({ maxAliasCount: 50 }) as unknown;
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
