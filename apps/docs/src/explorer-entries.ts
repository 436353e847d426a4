import { listModels } from '@residual/models';

/** What the model explorer needs to know of a registry entry before building it. */
export interface ExplorerEntry {
  name: string;
  family: string;
  description: string;
  inputShape: number[];
  numClasses: number;
  trainableParams: number;
}

export function explorerEntries(): ExplorerEntry[] {
  return listModels().map((entry) => ({
    name: entry.name,
    family: entry.family,
    description: entry.description,
    inputShape: [...entry.defaultInputShape],
    numClasses: entry.defaultNumClasses,
    trainableParams: entry.trainableParams,
  }));
}

/** The entry to show first: the smallest network, which builds at once on any device. */
export function smallestEntry(entries: readonly ExplorerEntry[]): ExplorerEntry {
  return entries.reduce((best, entry) =>
    entry.trainableParams < best.trainableParams ? entry : best,
  );
}
