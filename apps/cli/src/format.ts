/** 4,089,184,256 → "4.09 G"; 40,551,040 → "40.6 M": three significant digits and a unit. */
export function formatCount(value: number): string {
  for (const [unit, size] of [
    ['G', 1e9],
    ['M', 1e6],
    ['k', 1e3],
  ] as const) {
    if (value >= size) return `${(value / size).toPrecision(3)} ${unit}`;
  }
  return String(value);
}

/** Renders rows as aligned columns; columns listed in `right` are right-aligned (numbers). */
export function formatTable(rows: string[][], right: readonly number[] = []): string {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, col) =>
            right.includes(col) ? cell.padStart(widths[col]) : cell.padEnd(widths[col]),
          )
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}
