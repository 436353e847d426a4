import { bestKey, bestSource, type RowSpeeds } from './best-pytorch.js';
import { fixed, formatTable } from './table.js';

/**
 * Ours over the best PyTorch at each thread count both ran (wasm over PyTorch×1 without native
 * kernels), as [ours, PyTorch] label pairs.
 */
export function ratioColumns(labels: string[], threads: readonly number[]): [string, string][] {
  const ratios = threads
    .filter((t) => labels.includes(`native×${t}`) && labels.includes(bestKey(t)))
    .map((t): [string, string] => [`native×${t}`, bestKey(t)]);
  if (!labels.some((l) => l.startsWith('native')) && labels.includes(bestKey(1))) {
    ratios.push(['wasm', bestKey(1)]);
  }
  return ratios;
}

/**
 * A row as results files record it: the speeds under the key files have always used (`gflops`,
 * `imagesPerSecond`, `tokensPerSecond`), where each best PyTorch came from, and ours over it
 * (`native×1/PyTorch×1`: 3.2).
 */
export function resultEntry<Unit extends string>(
  unit: Unit,
  row: RowSpeeds,
  threads: readonly number[],
): { [key in Unit]: Record<string, number> } & {
  bestPyTorch: Record<string, string>;
  ratios: Record<string, number>;
} {
  const ratios = Object.fromEntries(
    ratioColumns(Object.keys(row.speeds), threads).map(([a, b]) => [
      `${a}/${b}`,
      row.speeds[a] / row.speeds[b],
    ]),
  );
  return { [unit]: row.speeds, bestPyTorch: row.bestPyTorch, ratios } as never;
}

/**
 * Two tables of the same rows: ours beside the best PyTorch at each thread count (naming the
 * peer and layout that won) and the ratios; then every PyTorch peer × layout × thread count.
 */
export function speedTables(
  title: string,
  head: string[],
  rows: { cells: string[]; row: RowSpeeds }[],
  threads: readonly number[],
): string {
  const labels = [...new Set(rows.flatMap(({ row }) => Object.keys(row.speeds)))];
  const ours = labels.filter((l) => !l.startsWith('PyTorch'));
  const best = threads.map(bestKey).filter((key) => labels.includes(key));
  const peers = labels.filter((l) => l.startsWith('PyTorch '));
  const pairs = ratioColumns(labels, threads);
  const bestCell = (row: RowSpeeds, key: string) =>
    row.speeds[key] === undefined ? '–' : `${fixed(row.speeds[key])} (${bestSource(row, key)})`;
  const main = formatTable(
    [...head, ...ours, ...best.map((key) => `best ${key}`), ...pairs.map(([a, b]) => `${a}/${b}`)],
    rows.map(({ cells, row }) => [
      ...cells,
      ...ours.map((l) => fixed(row.speeds[l])),
      ...best.map((key) => bestCell(row, key)),
      ...pairs.map(([a, b]) => fixed(row.speeds[a] / row.speeds[b], 2)),
    ]),
  );
  if (peers.length === 0) return `\n${title}\n\n${main}`;
  const detail = formatTable(
    [...head, ...peers.map((l) => l.replace(/^PyTorch /, ''))],
    rows.map(({ cells, row }) => [...cells, ...peers.map((l) => fixed(row.speeds[l]))]),
  );
  const detailTitle = 'PyTorch by peer, layout and threads (version layout×threads)';
  return `\n${title}\n\n${main}\n\n${detailTitle}\n\n${detail}`;
}
