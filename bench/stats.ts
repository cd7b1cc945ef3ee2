/** Small numeric and formatting helpers for the benchmark's tables. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
export const ms = (value: number): string => `${value.toFixed(1)} ms`;
export const s = (valueMs: number): string => `${(valueMs / 1000).toFixed(2)} s`;
export const x = (ratio: number): string => `${ratio.toFixed(2)}×`;

/** A plain-text table: the first row is the header, numbers are right-aligned. */
export function table(rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((row) => row.map(String));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  const right = rows[1]?.map((cell) => typeof cell === 'number' || /^[\d.,-]+\s?\S*$/.test(String(cell)));
  const line = (row: string[]) =>
    row.map((cell, i) => (right?.[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  const [head, ...body] = cells;
  return [line(head!), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}
