import { type ChartSeries, chartGrid, type LineChartOptions } from './line-chart.js';
import type { ChartTheme } from './svg.js';

/** A network's per-layer gradient norms, e.g. `{ name, layers: gradientFlow(model, batch).layers }`. */
export interface NetworkGradients {
  name: string;
  /** In network order, input first. */
  layers: readonly { name: string; className: string; gradientNorm: number }[];
  color?: string;
  dashed?: boolean;
}

export interface GradientNormChartOptions {
  title?: string;
  /** Plot only convolution layers (default), or every layer with weights. */
  layers?: 'conv' | 'all';
  width?: number;
  height?: number;
  theme?: ChartTheme;
}

const CONVOLUTIONS = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D']);

/** The chart options of {@link gradientNormChart}, to combine with others in `chartGrid`. */
export function gradientNormChartOptions(
  networks: readonly NetworkGradients[],
  options: GradientNormChartOptions = {},
): LineChartOptions {
  const convOnly = (options.layers ?? 'conv') === 'conv';
  const series: ChartSeries[] = networks.map((network) => ({
    name: network.name,
    color: network.color,
    dashed: network.dashed,
    points: network.layers
      .filter((layer) => !convOnly || CONVOLUTIONS.has(layer.className))
      .map((layer, i) => [i + 1, layer.gradientNorm] as const),
  }));
  return {
    title: options.title ?? 'Gradient norm per layer',
    xLabel: `${convOnly ? 'convolution' : 'layer'} (1 = nearest the input)`,
    yLabel: '‖gradient‖ (log scale)',
    yScale: 'log',
    xIntegers: true,
    series,
    width: options.width,
    height: options.height,
    theme: options.theme,
  };
}

/**
 * The gradient norm of each layer, input to output, one line per network, on a log scale: a
 * standalone SVG document. A gradient that explodes toward the input rises to the left.
 */
export function gradientNormChart(
  networks: readonly NetworkGradients[],
  options: GradientNormChartOptions = {},
): string {
  return chartGrid([gradientNormChartOptions(networks, options)], { theme: options.theme });
}
