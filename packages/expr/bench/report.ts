/** Printing the tables. */

export const print = (line = '') => process.stdout.write(`${line}\n`);

export function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  print(line(header));
  print(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) print(line(row.slice(0, header.length)));
  for (const row of rows)
    if (row.length > header.length) print(`  note (${row[0]}): ${row.slice(header.length).join('; ')}`);
  print();
}
