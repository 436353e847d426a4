import { linearScale, logScale } from '@residual/metrics';

/** A line on a chart: points in data units, drawn in `color`. */
export interface Series {
  label: string;
  color: string;
  points: readonly (readonly [number, number])[];
}

export interface Tick {
  /** Pixel position along the axis. */
  at: number;
  label: string;
}

export interface ChartLayout {
  plot: { left: number; top: number; width: number; height: number };
  lines: { label: string; color: string; path: string; count: number }[];
  xTicks: Tick[];
  yTicks: Tick[];
}

export interface ChartOptions {
  width: number;
  height: number;
  /** Plot y on a log10 scale (gradient norms span orders of magnitude). */
  logY?: boolean;
  /** Make the x axis cover at least this range, so a line grows into a fixed frame. */
  xDomain?: readonly [number, number];
  /** Label the x ticks with these names instead of numbers (layer names). */
  xLabels?: readonly string[];
}

const MARGIN = { left: 52, right: 12, top: 10, bottom: 30 };

/**
 * Scales, ticks and SVG paths for `series` in a `width`×`height` pixel box. The scales are
 * @residual/metrics' (the same round ticks as its SVG charts); a linear y frame snaps to its outer
 * ticks, so changes of a few percent stay visible.
 */
export function layoutChart(series: readonly Series[], options: ChartOptions): ChartLayout {
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: Math.max(10, options.width - MARGIN.left - MARGIN.right),
    height: Math.max(10, options.height - MARGIN.top - MARGIN.bottom),
  };
  const bottom = plot.top + plot.height;
  const ys = series.flatMap((s) => s.points.map(([, y]) => y));
  const yScale = options.logY
    ? logScale(ys, [bottom, plot.top])
    : linearScale(ys, [bottom, plot.top], 4);
  // The x axis covers the data and `xDomain` exactly, so a line grows into a fixed frame.
  const xs = [...series.flatMap((s) => s.points.map(([x]) => x)), ...(options.xDomain ?? [])];
  const xDomain = extent(xs, [0, 1]);
  const xScale = linearScale(
    xs,
    [plot.left, plot.left + plot.width],
    Math.max(2, Math.floor(plot.width / 70)),
    xDomain[0] === xDomain[1] ? undefined : xDomain,
  );
  return {
    plot,
    lines: series.map((s) => {
      const visible = s.points.filter(([, y]) => Number.isFinite(yScale.position(y)));
      return {
        label: s.label,
        color: s.color,
        count: visible.length,
        path: visible
          .map(
            ([x, y], i) =>
              `${i === 0 ? 'M' : 'L'}${xScale.position(x).toFixed(1)},${yScale.position(y).toFixed(1)}`,
          )
          .join(''),
      };
    }),
    xTicks: options.xLabels
      ? labelTicks(options.xLabels, xScale.position, plot.width)
      : xScale.ticks.map((x) => ({ at: xScale.position(x), label: formatNumber(x) })),
    yTicks: yScale.ticks.map((y) => ({
      at: yScale.position(y),
      label: options.logY ? powerOfTen(Math.round(Math.log10(y))) : formatNumber(y),
    })),
  };
}

/** 10^exponent as people write it: 0.01, 1, 100 near 1, 1e-6 or 1e6 further out. */
function powerOfTen(exponent: number): string {
  return Math.abs(exponent) <= 3
    ? String(Number((10 ** exponent).toPrecision(1)))
    : `1e${exponent}`;
}

/** Category labels at integer x positions, thinned so they do not overlap. */
function labelTicks(labels: readonly string[], px: (x: number) => number, width: number): Tick[] {
  const every = Math.max(1, Math.ceil(labels.length / Math.max(1, Math.floor(width / 80))));
  return labels.flatMap((label, i) => (i % every === 0 ? [{ at: px(i), label }] : []));
}

function extent(values: number[], fallback: [number, number]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return fallback;
  return [Math.min(...finite), Math.max(...finite)];
}

function formatNumber(value: number): string {
  return Math.abs(value) >= 1000
    ? value.toLocaleString('en-US')
    : String(Number(value.toPrecision(3)));
}
