import type { DepthStudy } from '../depth-study.js';
import { gradientNormChartOptions, type NetworkGradients } from './gradient-norm-chart.js';
import { chartGrid, type LineChartOptions } from './line-chart.js';
import { type ChartTheme, DEFAULT_THEME } from './svg.js';

/**
 * The depth study as one SVG document: gradient norm per convolution at initialisation (and
 * after training), and the training loss per step. One colour per depth; the first family
 * solid, the others dashed.
 */
export function depthStudyChart(study: DepthStudy, options: { theme?: ChartTheme } = {}): string {
  const palette = options.theme?.palette ?? DEFAULT_THEME.palette;
  const depths = [...new Set(study.runs.map((r) => r.depth))];
  const families = [...new Set(study.runs.map((r) => r.family))];
  const style = (run: DepthStudy['runs'][number]) => ({
    name: run.model,
    color: palette[depths.indexOf(run.depth) % palette.length],
    dashed: families.indexOf(run.family) > 0,
  });
  const charts: LineChartOptions[] = [
    gradientNormChartOptions(
      study.runs.map((run): NetworkGradients => ({ ...style(run), layers: run.initial.layers })),
      { title: 'Gradient norm per convolution at initialisation', theme: options.theme },
    ),
  ];
  if (study.steps > 0) {
    charts.push(
      gradientNormChartOptions(
        study.runs
          .filter((run) => run.trained !== null)
          .map((run): NetworkGradients => ({ ...style(run), layers: run.trained!.layers })),
        { title: `Gradient norm per convolution after ${study.steps} steps`, theme: options.theme },
      ),
      {
        title: 'Training loss per step',
        xLabel: 'step',
        xIntegers: true,
        yLabel: 'cross-entropy',
        series: study.runs.map((run) => ({
          ...style(run),
          points: run.losses.map((loss, i) => [i + 1, loss] as const),
        })),
        theme: options.theme,
      },
    );
  }
  return chartGrid(charts, { theme: options.theme });
}
