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

/** Scales, ticks and SVG paths for `series` in a `width`×`height` pixel box. */
export function layoutChart(series: readonly Series[], options: ChartOptions): ChartLayout {
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: Math.max(10, options.width - MARGIN.left - MARGIN.right),
    height: Math.max(10, options.height - MARGIN.top - MARGIN.bottom),
  };
  const transformY = options.logY
    ? (y: number) => Math.log10(Math.max(y, 1e-30))
    : (y: number) => y;
  const points = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(transformY(y)));
  const xs = [...points.map(([x]) => x), ...(options.xDomain ?? [])];
  const ys = points.map(([, y]) => transformY(y));
  const [x0, x1] = extent(xs, [0, 1]);
  let [y0, y1] = extent(ys, [0, 1]);
  if (options.logY) {
    y0 = Math.floor(y0);
    y1 = Math.ceil(y1);
  }
  if (y1 === y0) y1 = y0 + 1;
  const ticks = options.logY ? logTicks(y0, y1) : niceTicks(y0, y1, 4);
  if (!options.logY) {
    // The frame snaps to the outer ticks: changes of a few percent stay visible.
    y0 = Math.min(y0, ticks[0]);
    y1 = Math.max(y1, ticks[ticks.length - 1]);
  }
  const px = (x: number) => plot.left + ((x - x0) / (x1 - x0 || 1)) * plot.width;
  const py = (y: number) => plot.top + plot.height - ((y - y0) / (y1 - y0)) * plot.height;
  return {
    plot,
    lines: series.map((s) => {
      const visible = s.points.filter(([, y]) => Number.isFinite(transformY(y)));
      return {
        label: s.label,
        color: s.color,
        count: visible.length,
        path: visible
          .map(
            ([x, y], i) =>
              `${i === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(transformY(y)).toFixed(1)}`,
          )
          .join(''),
      };
    }),
    xTicks: options.xLabels
      ? labelTicks(options.xLabels, px, plot.width)
      : niceTicks(x0, x1, Math.max(2, Math.floor(plot.width / 70)))
          .filter((x) => x >= x0 && x <= x1)
          .map((x) => ({
            at: px(x),
            label: formatNumber(x),
          })),
    yTicks: ticks
      .filter((y) => y >= y0 && y <= y1)
      .map((y) => ({ at: py(y), label: options.logY ? powerOfTen(y) : formatNumber(y) })),
  };
}

/** 10^exponent as people write it: 0.01, 1, 100 near 1, 1e-6 or 1e6 further out. */
function powerOfTen(exponent: number): string {
  return Math.abs(exponent) <= 3
    ? String(Number((10 ** exponent).toPrecision(1)))
    : `1e${exponent}`;
}

/** Round-number ticks covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const span = max - min || 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.floor(min / step) * step; t <= max + step * 1e-9; t += step) {
    ticks.push(Number(t.toPrecision(12)));
  }
  if (ticks[ticks.length - 1] < max)
    ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

/** Integer powers of ten between two exponents, thinned to at most six. */
function logTicks(min: number, max: number): number[] {
  const every = Math.ceil((max - min + 1) / 6);
  const ticks: number[] = [];
  for (let e = min; e <= max; e += every) ticks.push(e);
  return ticks;
}

/** Category labels at integer x positions, thinned so they do not overlap. */
function labelTicks(labels: readonly string[], px: (x: number) => number, width: number): Tick[] {
  const every = Math.max(1, Math.ceil(labels.length / Math.max(1, Math.floor(width / 80))));
  return labels.flatMap((label, i) => (i % every === 0 ? [{ at: px(i), label }] : []));
}

function extent(values: number[], fallback: [number, number]): [number, number] {
  if (values.length === 0) return fallback;
  return [Math.min(...values), Math.max(...values)];
}

function formatNumber(value: number): string {
  return Math.abs(value) >= 1000
    ? value.toLocaleString('en-US')
    : String(Number(value.toPrecision(3)));
}
