/** Escapes text for SVG (XML) content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A coordinate with at most two decimals: small files, no visible loss. */
export function coordinate(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** A tick label: plain decimals from 0.001 to 9999, powers of ten as `1e5` beyond. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e4) return String(Number(value.toPrecision(6)));
  const [mantissa, exponent] = value.toExponential().split('e');
  const digits = String(Number(Number(mantissa).toPrecision(3)));
  return `${digits}e${Number(exponent)}`;
}

/** Colours and type of a chart; the defaults print black on white. */
export interface ChartTheme {
  /** Page colour, or `none` for a transparent background. Default `#ffffff`. */
  background?: string;
  /** Text and axes. Default `#1f2328`. */
  foreground?: string;
  /** Grid lines. Default `#d0d7de`. */
  grid?: string;
  /** Default `system-ui, -apple-system, 'Segoe UI', sans-serif`. */
  fontFamily?: string;
  /** Series colours, used in turn. Default: the Okabe–Ito palette, readable with colour blindness. */
  palette?: readonly string[];
}

export const DEFAULT_THEME: Required<ChartTheme> = {
  background: '#ffffff',
  foreground: '#1f2328',
  grid: '#d0d7de',
  fontFamily: "system-ui, -apple-system, 'Segoe UI', sans-serif",
  palette: ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'],
};

/** A standalone SVG document (its own namespace and size) around `body`. */
export function svgDocument(
  width: number,
  height: number,
  label: string,
  body: string,
  theme: Required<ChartTheme>,
): string {
  const background =
    theme.background === 'none'
      ? ''
      : `<rect width="${width}" height="${height}" fill="${escapeXml(theme.background)}"/>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}" ` +
    `font-family="${escapeXml(theme.fontFamily)}" font-size="12" fill="${escapeXml(theme.foreground)}">\n` +
    `<title>${escapeXml(label)}</title>\n${background}${background ? '\n' : ''}${body}</svg>\n`
  );
}
