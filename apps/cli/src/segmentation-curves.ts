import { join } from 'node:path';
import { type ChartSeries, chartGrid } from '@residual/metrics';
import { type SegmentationEpochRecord, writeFileAtomic } from '@residual/train';
import { TRAINING_CURVES_FILE } from './training-curves.js';

const [TRAIN, TEST] = ['#0072B2', '#D55E00'];

/**
 * Writes a segmentation run's curves to `dir`/training-curves.svg: the loss and the pixel
 * accuracy per epoch, training (solid) and held-out (dashed), and the held-out mean IoU, the
 * score segmentation is judged by, beside them.
 */
export async function writeSegmentationCurves(
  dir: string,
  history: readonly SegmentationEpochRecord[],
  title: string,
): Promise<void> {
  const series = (
    name: string,
    value: (record: SegmentationEpochRecord) => number | undefined,
    scale: number,
    color: string,
    dashed: boolean,
  ): ChartSeries[] => {
    const points = history
      .filter((record) => value(record) !== undefined)
      .map((record) => [record.epoch + 1, (value(record) as number) * scale] as const);
    return points.length === 0 ? [] : [{ name, points, color, dashed }];
  };
  const axes = { xLabel: 'epoch', xIntegers: true };
  const svg = chartGrid(
    [
      {
        ...axes,
        title: `${title}: loss`,
        yLabel: 'loss',
        series: [
          ...series('train', (r) => r.loss, 1, TRAIN, false),
          ...series('test', (r) => r.testLoss, 1, TEST, true),
        ],
      },
      {
        ...axes,
        title: `${title}: pixel accuracy`,
        yLabel: 'pixel accuracy (%)',
        series: [
          ...series('train', (r) => r.accuracy, 100, TRAIN, false),
          ...series('test', (r) => r.testAccuracy, 100, TEST, true),
        ],
      },
      {
        ...axes,
        title: `${title}: mean IoU`,
        yLabel: 'test mean IoU (%)',
        series: series('test', (r) => r.testMeanIoU, 100, TEST, true),
      },
    ],
    { columns: 3 },
  );
  await writeFileAtomic(join(dir, TRAINING_CURVES_FILE), svg);
}
