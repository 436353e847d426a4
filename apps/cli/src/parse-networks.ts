import { getModelEntry, listModels } from '@residual/models';
import { UsageError } from './usage-error.js';

/** Families and depths from `--models` (and `--depths`). @throws UsageError naming the bad name. */
export function parseNetworks(
  names: readonly string[],
  depthList: readonly number[] | undefined,
): { families: string[]; depths: number[] } {
  const known = listModels().map((m) => m.name);
  const networks = names.map((name) => {
    if (!known.includes(name)) {
      throw new UsageError(
        `gradient-flow --models: unknown model "${name}". Known: ${known.join(', ')}.`,
      );
    }
    const { family } = getModelEntry(name);
    const depth = Number(name.slice(family.length));
    if (!name.startsWith(family) || !Number.isInteger(depth) || depth < 1) {
      throw new UsageError(
        `gradient-flow --models: "${name}" does not end in its depth, so it cannot join a depth study.`,
      );
    }
    return { family, depth };
  });
  const families = unique(networks.map((n) => n.family));
  let depths = unique(networks.map((n) => n.depth));
  if (depthList !== undefined) depths = [...depthList];
  for (const family of families) {
    for (const depth of depths) {
      if (!known.includes(`${family}${depth}`)) {
        const available = known
          .filter((n) => getModelEntry(n).family === family)
          .map((n) => n.slice(family.length));
        throw new UsageError(
          `gradient-flow --depths: there is no ${family}${depth}; ${family} comes in depths ${available.join(', ')}.`,
        );
      }
    }
  }
  return { families, depths };
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
