import type { BlockSnapshot, ResidualFormStudy } from '../residual-form-study.js';
import { type ChartSeries, chartGrid, type LineChartOptions } from './line-chart.js';
import { type ChartTheme, DEFAULT_THEME } from './svg.js';

/**
 * The residual-form study as one SVG document, one row per depth: the gradient norm of each
 * block at initialisation, the same after training (log scales), and the training loss per step.
 * One colour per residual form, the same in every panel.
 */
export function residualFormChart(
  study: ResidualFormStudy,
  options: { theme?: ChartTheme } = {},
): string {
  const palette = options.theme?.palette ?? DEFAULT_THEME.palette;
  const forms = [...new Set(study.runs.map((r) => r.form))];
  const depths = [...new Set(study.runs.map((r) => r.depth))];
  const trained = study.runs.some((r) => r.losses.length > 0);
  const charts: LineChartOptions[] = [];
  for (const depth of depths) {
    const runs = study.runs.filter((r) => r.depth === depth);
    const style = (form: string) => ({
      name: form,
      color: palette[forms.indexOf(form) % palette.length],
    });
    const blockSeries = (pick: (r: (typeof runs)[number]) => BlockSnapshot | null): ChartSeries[] =>
      runs.flatMap((run) => {
        const measured = pick(run);
        if (measured === null) return [];
        const blocks = measured.groups.filter((g) => g.block);
        return [
          {
            ...style(run.form),
            // A zero norm (ReZero's branches behind α = 0) breaks the line on the log scale.
            points: blocks.map((b, i) => [i + 1, b.gradientNorm] as const),
          },
        ];
      });
    const gradientChart = (title: string, series: ChartSeries[]): LineChartOptions => ({
      title,
      xLabel: 'block (1 = nearest the input)',
      yLabel: '‖gradient‖ (log scale)',
      yScale: 'log',
      xIntegers: true,
      series,
      theme: options.theme,
    });
    charts.push(
      gradientChart(
        `${depth} blocks: gradient per block at init`,
        blockSeries((r) => r.initial),
      ),
    );
    if (trained) {
      const steps = Math.max(...runs.map((r) => r.losses.length));
      // A depth measured at initialisation only keeps its row's cells, titled as such.
      const untrained = steps === 0 ? ' (not trained)' : '';
      charts.push(
        gradientChart(
          steps === 0 ? `${depth} blocks: not trained` : `${depth} blocks: after ${steps} steps`,
          blockSeries((r) => r.trained),
        ),
        {
          title: `${depth} blocks: training loss${untrained}`,
          xLabel: 'step',
          xIntegers: true,
          yLabel: 'cross-entropy',
          series: runs.map((run) => ({
            ...style(run.form),
            points: run.losses.map((loss, i) => [i + 1, loss] as const),
          })),
          theme: options.theme,
        },
      );
    }
  }
  return chartGrid(charts, { columns: trained ? 3 : 1, theme: options.theme });
}
