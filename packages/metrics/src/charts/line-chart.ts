import { linearScale, logScale, type Scale } from './scale.js';
import {
  type ChartTheme,
  coordinate,
  DEFAULT_THEME,
  escapeXml,
  formatTick,
  svgDocument,
} from './svg.js';

/** One line of a chart. */
export interface ChartSeries {
  name: string;
  /** [x, y] pairs in x order; a y that cannot be shown (NaN, ±Infinity, ≤ 0 on a log scale) breaks the line. */
  points: readonly (readonly [number, number])[];
  /** Default: the theme's palette, in turn. */
  color?: string;
  dashed?: boolean;
}

export interface LineChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  series: readonly ChartSeries[];
  /** Default `linear`. */
  yScale?: 'linear' | 'log';
  /** Default: the data's range, widened to round ticks. */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  /** The x values count things (epochs, layers, steps): ticks at whole numbers only. Default false. */
  xIntegers?: boolean;
  /** Pixels. Default 640. */
  width?: number;
  /** Pixels. Default 360. */
  height?: number;
  theme?: ChartTheme;
}

/** A line chart as a standalone SVG document (a string): write it to a `.svg` file or inline it in HTML. */
export function lineChart(options: LineChartOptions): string {
  const theme = { ...DEFAULT_THEME, ...options.theme };
  const { width, height } = size(options);
  return svgDocument(width, height, chartLabel(options), lineChartBody(options), theme);
}

/** Several line charts in one SVG document, `columns` to a row (default 1). */
export function chartGrid(
  charts: readonly LineChartOptions[],
  options: { columns?: number; theme?: ChartTheme } = {},
): string {
  const theme = { ...DEFAULT_THEME, ...options.theme };
  const columns = Math.max(1, Math.min(options.columns ?? 1, charts.length));
  const sizes = charts.map(size);
  const cellWidth = Math.max(...sizes.map((s) => s.width));
  const cellHeight = Math.max(...sizes.map((s) => s.height));
  const rows = Math.ceil(charts.length / columns);
  const body = charts
    .map((chart, i) => {
      const x = (i % columns) * cellWidth;
      const y = Math.floor(i / columns) * cellHeight;
      return `<g transform="translate(${x},${y})">\n${lineChartBody({ ...chart, theme })}</g>\n`;
    })
    .join('');
  const label = charts.map(chartLabel).join('; ');
  return svgDocument(columns * cellWidth, rows * cellHeight, label, body, theme);
}

/** The chart's elements without the document around them, drawn from (0, 0). */
export function lineChartBody(options: LineChartOptions): string {
  const theme = { ...DEFAULT_THEME, ...options.theme };
  const { width, height } = size(options);
  const margin = {
    top: options.title ? 34 : 12,
    right: 16,
    bottom: options.xLabel ? 46 : 28,
    left: options.yLabel ? 70 : 54,
  };
  const left = margin.left;
  const right = width - margin.right;
  const top = margin.top;
  const bottom = height - margin.bottom;
  const xs = options.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = options.series.flatMap((s) => s.points.map((p) => p[1]));
  const x = linearScale(
    xs,
    [left, right],
    Math.max(2, Math.round((right - left) / 90)),
    options.xDomain,
    options.xIntegers,
  );
  const y =
    options.yScale === 'log'
      ? logScale(ys, [bottom, top], options.yDomain)
      : linearScale(
          ys,
          [bottom, top],
          Math.max(2, Math.round((bottom - top) / 50)),
          options.yDomain,
        );

  const parts: string[] = [];
  const grid = escapeXml(theme.grid);
  for (const tick of y.ticks) {
    const py = coordinate(y.position(tick));
    parts.push(`<line x1="${left}" x2="${right}" y1="${py}" y2="${py}" stroke="${grid}"/>`);
    parts.push(
      `<text x="${left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${formatTick(tick)}</text>`,
    );
  }
  for (const tick of x.ticks) {
    const px = coordinate(x.position(tick));
    parts.push(`<line x1="${px}" x2="${px}" y1="${top}" y2="${bottom}" stroke="${grid}"/>`);
    parts.push(
      `<text x="${px}" y="${bottom + 16}" text-anchor="middle">${formatTick(tick)}</text>`,
    );
  }
  const axis = escapeXml(theme.foreground);
  parts.push(`<path d="M${left},${top}V${bottom}H${right}" fill="none" stroke="${axis}"/>`);
  if (options.title) {
    parts.push(
      `<text x="${left}" y="20" font-size="14" font-weight="600">${escapeXml(options.title)}</text>`,
    );
  }
  if (options.xLabel) {
    parts.push(
      `<text x="${coordinate((left + right) / 2)}" y="${height - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    );
  }
  if (options.yLabel) {
    const cy = coordinate((top + bottom) / 2);
    parts.push(
      `<text transform="translate(16,${cy}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
    );
  }
  const pixels = options.series.map((series) => pixelPoints(series, x, y));
  options.series.forEach((series, i) => {
    parts.push(seriesPath(series, colorOf(series, i, theme.palette), pixels[i]));
  });
  parts.push(legend(options.series, theme, { left, top, right, bottom }, pixels));
  return `${parts.join('\n')}\n`;
}

type Pixel = readonly [number, number] | null;

/** Each point's pixel position, or null where it cannot be shown (the line breaks there). */
function pixelPoints(series: ChartSeries, x: Scale, y: Scale): Pixel[] {
  const [yLow, yHigh] = y.domain;
  const [xLow, xHigh] = x.domain;
  return series.points.map(([px, py]) => {
    const inside =
      Number.isFinite(px) &&
      Number.isFinite(py) &&
      px >= xLow &&
      px <= xHigh &&
      py >= yLow &&
      py <= yHigh;
    const position = inside ? ([x.position(px), y.position(py)] as const) : null;
    return position === null || Number.isNaN(position[1]) ? null : position;
  });
}

function seriesPath(series: ChartSeries, color: string, pixels: readonly Pixel[]): string {
  let d = '';
  let penDown = false;
  for (const point of pixels) {
    if (point === null) {
      penDown = false;
      continue;
    }
    d += `${penDown ? 'L' : 'M'}${coordinate(point[0])},${coordinate(point[1])}`;
    penDown = true;
  }
  const stroke = escapeXml(color);
  const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
  const path = `<path d="${d}" fill="none" stroke="${stroke}" stroke-width="2" stroke-linejoin="round"${dash}><title>${escapeXml(series.name)}</title></path>`;
  if (series.points.length > 30) return path;
  const markers = pixels
    .filter((point) => point !== null)
    .map(
      ([px, py]) =>
        `<circle cx="${coordinate(px)}" cy="${coordinate(py)}" r="2.5" fill="${stroke}"/>`,
    );
  return [path, ...markers].join('\n');
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Series names beside a sample of each line, in the corner of the plot that covers the least
 * of the data.
 */
function legend(
  series: readonly ChartSeries[],
  theme: Required<ChartTheme>,
  plot: Box,
  pixels: readonly (readonly Pixel[])[],
): string {
  if (series.length === 0) return '';
  const longest = Math.max(...series.map((s) => s.name.length));
  const boxWidth = 36 + longest * 7;
  const boxHeight = series.length * 16 + 4;
  const corners = [
    [plot.right - boxWidth - 6, plot.top + 6],
    [plot.left + 6, plot.top + 6],
    [plot.right - boxWidth - 6, plot.bottom - boxHeight - 6],
    [plot.left + 6, plot.bottom - boxHeight - 6],
  ] as const;
  const covered = corners.map(([cx, cy]) =>
    countInside(pixels, { left: cx, top: cy, right: cx + boxWidth, bottom: cy + boxHeight }),
  );
  const [x, top] = corners[covered.indexOf(Math.min(...covered))];
  const fill = theme.background === 'none' ? DEFAULT_THEME.background : theme.background;
  const rows = series.map((s, i) => {
    const cy = top + 12 + i * 16;
    const color = escapeXml(colorOf(s, i, theme.palette));
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    return (
      `<line x1="${x + 8}" x2="${x + 26}" y1="${cy}" y2="${cy}" stroke="${color}" stroke-width="2"${dash}/>` +
      `<text x="${x + 32}" y="${cy}" dominant-baseline="middle">${escapeXml(s.name)}</text>`
    );
  });
  return [
    `<g class="legend"><rect x="${x}" y="${top}" width="${boxWidth}" height="${boxHeight}" fill="${escapeXml(fill)}" fill-opacity="0.85" stroke="${escapeXml(theme.grid)}"/>`,
    ...rows,
    '</g>',
  ].join('\n');
}

/** How many points of the lines (sampled along each segment) fall inside `box`. */
function countInside(pixels: readonly (readonly Pixel[])[], box: Box): number {
  let count = 0;
  const inside = (px: number, py: number) =>
    px >= box.left && px <= box.right && py >= box.top && py <= box.bottom;
  for (const line of pixels) {
    line.forEach((point, i) => {
      const next = line[i + 1];
      if (point === null) return;
      if (next === undefined || next === null) {
        if (inside(point[0], point[1])) count++;
        return;
      }
      for (let t = 0; t < 1; t += 0.1) {
        if (inside(point[0] + t * (next[0] - point[0]), point[1] + t * (next[1] - point[1])))
          count++;
      }
    });
  }
  return count;
}

function colorOf(series: ChartSeries, index: number, palette: readonly string[]): string {
  return series.color ?? palette[index % palette.length];
}

function size(options: LineChartOptions): { width: number; height: number } {
  return { width: options.width ?? 640, height: options.height ?? 360 };
}

function chartLabel(options: LineChartOptions): string {
  const names = options.series.map((s) => s.name).join(', ');
  return options.title ? `${options.title}: ${names}` : names;
}
