import { type ImageDataset, loadDigits } from '@residual/datasets';
import { UsageError } from './usage-error.js';

/** The data sets commands load by name: adding one is one line here. */
const DATASET_LOADERS: Readonly<Record<string, () => Promise<ImageDataset>>> = {
  digits: loadDigits,
};

/** Names `--dataset` accepts. */
export const DATASET_NAMES: readonly string[] = Object.keys(DATASET_LOADERS);

/** Loads the data set `name`. @throws UsageError naming the known data sets. */
export async function loadDataset(name: string, where: string): Promise<ImageDataset> {
  const load = DATASET_LOADERS[name];
  if (load === undefined) {
    throw new UsageError(
      `${where}: unknown data set '${name}'. Known: ${DATASET_NAMES.join(', ')}.`,
    );
  }
  return load();
}
