import { join } from 'node:path';
import { type EpochPoint, trainingCurvesChart } from '@residual/metrics';
import { writeFileAtomic } from '@residual/train';

/** The chart `residual train` writes beside metrics.json. */
export const TRAINING_CURVES_FILE = 'training-curves.svg';

/** Writes the loss and accuracy curves of `history` to `dir`/training-curves.svg. */
export async function writeTrainingCurves(
  dir: string,
  history: readonly EpochPoint[],
  title?: string,
): Promise<void> {
  await writeFileAtomic(join(dir, TRAINING_CURVES_FILE), trainingCurvesChart(history, { title }));
}
