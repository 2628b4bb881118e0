/** The transcript hash: sha256 over the canonical JSON (keys sorted) of the turns. */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal values have equal text. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function transcriptHash(turns: readonly unknown[]): string {
  return createHash('sha256').update(canonical(turns)).digest('hex');
}
