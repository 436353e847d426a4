/** Lines of a text table: columns padded to their widest cell, the first left-aligned, the rest right. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col])))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}

/** A number in 3 significant digits, large ones as 1.23e4; n/a for NaN. */
export function significant(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'n/a' : value > 0 ? '∞' : '-∞';
  if (Math.abs(value) >= 1e4) return value.toExponential(2).replace('e+', 'e');
  return value.toPrecision(3);
}
