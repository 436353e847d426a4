import type { InitStudy } from '../init-study.js';
import { gradientNormChartOptions } from './gradient-norm-chart.js';
import { type ChartSeries, chartGrid, type LineChartOptions } from './line-chart.js';
import { type ChartTheme, DEFAULT_THEME } from './svg.js';

/**
 * The initialisation study as one SVG document: the logits' std and the loss at
 * initialisation against depth (with ln(classes), the loss of a uniform guess), every
 * convolution's gradient norm at the deepest trained depth (schemes that start every branch at
 * zero give its convolutions zero gradient, which a log scale leaves out), and the training loss
 * per step at each trained depth. One colour per scheme.
 */
export function initStudyChart(study: InitStudy, options: { theme?: ChartTheme } = {}): string {
  const palette = options.theme?.palette ?? DEFAULT_THEME.palette;
  const color = (scheme: string) =>
    palette[study.schemes.findIndex((s) => s.name === scheme) % palette.length];
  const label = (scheme: string) => study.schemes.find((s) => s.name === scheme)?.label ?? scheme;
  const againstDepth = (value: (m: InitStudy['measurements'][number]) => number): ChartSeries[] =>
    study.schemes.map((scheme) => ({
      name: scheme.label,
      color: color(scheme.name),
      points: study.measurements
        .filter((m) => m.scheme === scheme.name)
        .map((m) => [m.depth, value(m)] as const),
    }));
  const depths = study.depths;
  const domain = [Math.min(...depths), Math.max(...depths)] as const;
  const charts: LineChartOptions[] = [
    {
      title: 'Std of the logits at initialisation',
      xLabel: 'depth (layers)',
      yLabel: 'std',
      xDomain: domain,
      series: againstDepth((m) => m.logitStd),
      theme: options.theme,
    },
    {
      title: 'Loss at initialisation',
      xLabel: 'depth (layers)',
      yLabel: 'cross-entropy',
      xDomain: domain,
      series: [
        ...againstDepth((m) => m.loss),
        {
          name: `ln ${Math.round(Math.exp(study.uniformLoss))} (uniform guess)`,
          color: '#888888',
          dashed: true,
          points: domain.map((d) => [d, study.uniformLoss] as const),
        },
      ],
      theme: options.theme,
    },
  ];
  const deepest = Math.max(...(study.trainDepths.length > 0 ? study.trainDepths : depths));
  charts.push(
    gradientNormChartOptions(
      study.measurements
        .filter((m) => m.depth === deepest)
        .map((m) => ({
          name: label(m.scheme),
          color: color(m.scheme),
          layers: m.convGradientNorms.map((gradientNorm, i) => ({
            name: `conv${i + 1}`,
            className: 'Conv2D',
            gradientNorm,
          })),
        })),
      {
        title: `Gradient norm per convolution at initialisation, depth ${deepest}`,
        theme: options.theme,
      },
    ),
  );
  for (const depth of study.trainDepths) {
    charts.push({
      title: `Training loss per step, depth ${depth} (lr ${study.learningRate}, batch ${study.batchSize})`,
      xLabel: 'step',
      xIntegers: true,
      // Standard initialisation spikes to tens at the full rate; the others move near ln 10.
      yLabel: 'cross-entropy (log scale)',
      yScale: 'log',
      series: study.training
        .filter((run) => run.depth === depth)
        .map((run) => ({
          name: label(run.scheme),
          color: color(run.scheme),
          points: run.losses.map((loss, i) => [i + 1, loss] as const),
        })),
      theme: options.theme,
    });
  }
  return chartGrid(charts, { theme: options.theme });
}
