import { type ChartSeries, chartGrid } from './line-chart.js';
import type { ChartTheme } from './svg.js';

/** One epoch of a training history (what @residual/train records and metrics.json holds). */
export interface EpochPoint {
  /** 0-based. */
  epoch: number;
  loss: number;
  accuracy: number;
  testLoss?: number;
  testAccuracy?: number;
}

/**
 * Loss and accuracy per epoch, training (solid) and held-out (dashed), side by side in one
 * standalone SVG document.
 */
export function trainingCurvesChart(
  history: readonly EpochPoint[],
  options: { title?: string; theme?: ChartTheme } = {},
): string {
  const series = (
    name: string,
    value: (e: EpochPoint) => number | undefined,
    scale: number,
    color: string,
    dashed: boolean,
  ): ChartSeries[] => {
    const points = history
      .filter((e) => value(e) !== undefined)
      .map((e) => [e.epoch + 1, (value(e) as number) * scale] as const);
    return points.length === 0 ? [] : [{ name, points, color, dashed }];
  };
  const [train, test] = ['#0072B2', '#D55E00'];
  const prefix = options.title ? `${options.title}: ` : '';
  return chartGrid(
    [
      {
        title: `${prefix}loss`,
        xLabel: 'epoch',
        xIntegers: true,
        yLabel: 'cross-entropy',
        series: [
          ...series('train', (e) => e.loss, 1, train, false),
          ...series('test', (e) => e.testLoss, 1, test, true),
        ],
      },
      {
        title: `${prefix}accuracy`,
        xLabel: 'epoch',
        xIntegers: true,
        yLabel: 'accuracy (%)',
        series: [
          ...series('train', (e) => e.accuracy, 100, train, false),
          ...series('test', (e) => e.testAccuracy, 100, test, true),
        ],
      },
    ],
    { columns: 2, theme: options.theme },
  );
}
