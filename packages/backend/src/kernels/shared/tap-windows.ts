/**
 * The filter gradient of a convolution without im2col: tap (kh, kw) of
 *
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·s − pad + kh·d, ow·s − pad + kw·d, ci] · dy[n, oh, ow, co]
 *
 * reads row oh + a of one stride phase of x (its rows s·i + r − pad, with r = kh·d mod s) at a
 * fixed shift a = ⌊kh·d / s⌋, and likewise along columns. Laid out as channel planes over a
 * grid `rows × cols` a little larger than dy (`outHeight + max a`), every tap's operand is then
 * a window of the same buffer, one plain matrix product `xᵀ · dy` per tap with no copy: grid
 * cells outside dy hold zero gradient, so whatever the window reads there adds nothing.
 */
export interface TapAxis {
  /** Phase index (into {@link residues}) of each tap. */
  phase: number[];
  /** Shift of each tap in its phase's grid. */
  shift: number[];
  /** The input residues mod stride that some tap reads, in order. */
  residues: number[];
  /** Grid size: dy's size plus the largest shift. */
  grid: number;
}

export function tapAxis(
  outSize: number,
  filterSize: number,
  stride: number,
  dilation: number,
): TapAxis {
  const residues: number[] = [];
  const phase: number[] = [];
  const shift: number[] = [];
  for (let k = 0; k < filterSize; k++) {
    const reach = k * dilation;
    const residue = reach % stride;
    if (!residues.includes(residue)) residues.push(residue);
    phase.push(residues.indexOf(residue));
    shift.push(Math.floor(reach / stride));
  }
  return { phase, shift, residues, grid: outSize + Math.max(...shift) };
}

/** The geometry of the tap windows for one convolution. */
export interface TapGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
  /**
   * The last row and column of x that dy depends on: x past them (rows a 'valid' convolution
   * skips) is written as zero, so that the windows' products outside dy, all times zero
   * gradient, cannot turn an infinity there into NaN.
   */
  lastRow: number;
  lastCol: number;
  rows: TapAxis;
  cols: TapAxis;
}

/** Values of one phase's channel planes for `images` images. */
export function phaseSize(g: TapGeometry, images: number): number {
  return g.inChannels * images * g.rows.grid * g.cols.grid;
}

/** The zeros after the last phase, so that the last window stays inside the buffer. */
export function tailSize(g: TapGeometry): number {
  return Math.max(...g.rows.shift) * g.cols.grid + Math.max(...g.cols.shift);
}

/** Values of the buffer {@link tapPlanes} fills for `images` images. */
export function tapPlanesSize(g: TapGeometry, images: number): number {
  return g.rows.residues.length * g.cols.residues.length * phaseSize(g, images) + tailSize(g);
}

/**
 * Writes images `[first, first + count)` of x `[batch, h, w, c]` as, for each phase (row residue,
 * column residue), channel planes over the grid: `[phase][c][image][row][col]`, zero outside x,
 * then the zero tail.
 */
export function tapPlanes(
  x: Float32Array,
  g: TapGeometry,
  first: number,
  count: number,
  out: Float32Array,
): void {
  const { inHeight, inWidth, inChannels: channels } = g;
  const gridRows = g.rows.grid;
  const gridCols = g.cols.grid;
  const plane = count * gridRows * gridCols;
  const phaseValues = phaseSize(g, count);
  let phaseStart = 0;
  for (const rowResidue of g.rows.residues) {
    for (const colResidue of g.cols.residues) {
      // Grid columns j whose x column j·s + residue − pad lies in [0, lastCol].
      const offset = colResidue - g.padLeft;
      const jStart = Math.min(gridCols, Math.max(0, Math.ceil(-offset / g.strideWidth)));
      const jEnd = Math.max(
        jStart,
        Math.min(gridCols, Math.floor((g.lastCol - offset) / g.strideWidth) + 1),
      );
      for (let n = 0; n < count; n++) {
        for (let i = 0; i < gridRows; i++) {
          const y = i * g.strideHeight + rowResidue - g.padTop;
          const cell = phaseStart + (n * gridRows + i) * gridCols;
          if (y < 0 || y > g.lastRow) {
            for (let c = 0; c < channels; c++) {
              out.fill(0, cell + c * plane, cell + c * plane + gridCols);
            }
            continue;
          }
          // One row of x at a time (it stays in cache), written plane by plane.
          const row = ((first + n) * inHeight + y) * inWidth * channels;
          for (let c = 0; c < channels; c++) {
            const target = cell + c * plane;
            for (let j = 0; j < jStart; j++) out[target + j] = 0;
            let source = row + (jStart * g.strideWidth + offset) * channels + c;
            const step = g.strideWidth * channels;
            for (let j = jStart; j < jEnd; j++, source += step) out[target + j] = x[source];
            for (let j = jEnd; j < gridCols; j++) out[target + j] = 0;
          }
        }
      }
      phaseStart += phaseValues;
    }
  }
  out.fill(0, phaseStart, phaseStart + tailSize(g));
}

/** Images `[first, first + count)` of dy `[batch, oh, ow, co]` on the grid, zero outside dy. */
export function gridGradients(
  dy: Float32Array,
  g: TapGeometry,
  first: number,
  count: number,
  out: Float32Array,
): void {
  const { outHeight, outWidth, outChannels } = g;
  const rowValues = outWidth * outChannels;
  const gridRowValues = g.cols.grid * outChannels;
  let target = 0;
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < g.rows.grid; i++) {
      if (i < outHeight) {
        const source = ((first + n) * outHeight + i) * rowValues;
        out.set(dy.subarray(source, source + rowValues), target);
        out.fill(0, target + rowValues, target + gridRowValues);
      } else {
        out.fill(0, target, target + gridRowValues);
      }
      target += gridRowValues;
    }
  }
}

/** Where tap (kh, kw)'s window starts in the buffer of {@link tapPlanes} (`count` images). */
export function windowStart(g: TapGeometry, count: number, kh: number, kw: number): number {
  const phase = g.rows.phase[kh] * g.cols.residues.length + g.cols.phase[kw];
  return phase * phaseSize(g, count) + g.rows.shift[kh] * g.cols.grid + g.cols.shift[kw];
}
