/** Human output for the CLI: aligned tables, durations, times. `--json` output never goes through here. */

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** 850 -> `850 ms`, 12_300 -> `12.3 s`, 200_000 -> `3m 20s`, 7_500_000 -> `2h 5m`; null -> `-`. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const s = Math.round(ms / 1_000);
  if (s < 3_600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3_600)}h ${Math.floor((s % 3_600) / 60)}m`;
}

/** An ISO time to `2025-03-01 12:00:05` (UTC, as stored); absent -> `-`. */
export function time(iso: string | null | undefined): string {
  return iso
    ? iso
        .replace('T', ' ')
        .replace(/\.\d+/, '')
        .replace(/Z$|[+-]00:?00$/, '')
    : '-';
}

export const percent = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);
