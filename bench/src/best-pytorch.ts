import { median } from './timing.js';

/**
 * A row's speeds (GFLOP/s, images/s or tokens/s) under every label measured, and, for each
 * thread count, the fastest PyTorch peer and layout. `PyTorch×<threads>` holds that best speed,
 * so the key that files before PyTorch peers held (Debian's 1.13 in NCHW, its only PyTorch)
 * still means "PyTorch at its best at this thread count"; `bestPyTorch` names where it came from.
 */
export interface RowSpeeds {
  speeds: Record<string, number>;
  /** `PyTorch×1` → `PyTorch 2.13 channels_last×1`: the key of the best measurement. */
  bestPyTorch: Record<string, string>;
}

/** `PyTorch×<threads>`: the best PyTorch at that thread count. */
export function bestKey(threads: number): string {
  return `PyTorch×${threads}`;
}

/** `workPerCall` divided by the median seconds of each label, with the best PyTorch added. */
export function rowSpeeds(
  times: Record<string, readonly number[]>,
  workPerCall: number,
  threads: readonly number[],
): RowSpeeds {
  const speeds: Record<string, number> = Object.fromEntries(
    Object.entries(times).map(([label, t]) => [label, workPerCall / median(t)]),
  );
  const bestPyTorch: Record<string, string> = {};
  for (const t of threads) {
    const candidates = Object.keys(speeds).filter(
      (label) => label.startsWith('PyTorch ') && label.endsWith(`×${t}`),
    );
    if (candidates.length === 0) continue;
    const best = candidates.reduce((a, b) => (speeds[b] > speeds[a] ? b : a));
    speeds[bestKey(t)] = speeds[best];
    bestPyTorch[bestKey(t)] = best;
  }
  return { speeds, bestPyTorch };
}

/** Which peer and layout a best key came from, as a table shows it: `2.13 channels_last`. */
export function bestSource(row: RowSpeeds, key: string): string | undefined {
  return row.bestPyTorch[key]?.replace(/^PyTorch /, '').replace(/×\d+$/, '');
}
