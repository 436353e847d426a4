// Kept hand-written rather than d3-scale (measured 2026-12): a d3-scale version of this file
// came to 34 lines of code against these 77, but brings 8 packages (d3-scale, d3-array,
// d3-color, d3-format, d3-interpolate, d3-time, d3-time-format, internmap; ~1.1 MB unpacked)
// plus @types/d3-scale into a package that has no third-party dependency, and still needed
// our own code for counts, decade thinning and empty or one-value data. Its tick rule (count
// is a hint, the nearest 1-2-5 step wins) would also move the published charts' ticks, e.g.
// epochs 1-30 at 0, 5, ..., 30 instead of 0, 10, 20, 30.
/** Maps data values to pixels along one axis, and says where its ticks go. */
export interface Scale {
  /** Pixel position of `value`; NaN for a value the scale cannot show (≤ 0 on a log scale). */
  position(value: number): number;
  ticks: number[];
  domain: [number, number];
}

/**
 * A linear scale over the values' range widened to "nice" round ticks (1, 2 or 5 × 10^k), about
 * `count` of them (whole numbers only when `integers`). A single value gets a unit range around it.
 */
export function linearScale(
  values: readonly number[],
  range: [number, number],
  count = 5,
  domain?: readonly [number, number],
  integers = false,
): Scale {
  let [low, high] = domain ?? extent(values);
  if (!Number.isFinite(low) || !Number.isFinite(high)) [low, high] = [0, 1];
  if (low === high) [low, high] = [low - 1, high + 1];
  // Counts (epochs, layers, steps) get whole-number ticks.
  const step = integers
    ? Math.max(1, niceStep((high - low) / count))
    : niceStep((high - low) / count);
  const first = Math.floor(low / step + 1e-9) * step;
  const last = Math.ceil(high / step - 1e-9) * step;
  if (domain === undefined) [low, high] = [first, last];
  const ticks: number[] = [];
  for (let i = 0; first + i * step <= high + step * 1e-9; i++) {
    const tick = Number((first + i * step).toPrecision(12));
    if (tick >= low - step * 1e-9) ticks.push(tick);
  }
  const [start, end] = range;
  return {
    position: (value) => start + ((value - low) / (high - low)) * (end - start),
    ticks,
    domain: [low, high],
  };
}

/**
 * A base-10 log scale over the positive values, widened to whole decades; ticks at powers of
 * ten (every other one, or every third, when there are many decades).
 */
export function logScale(
  values: readonly number[],
  range: [number, number],
  domain?: readonly [number, number],
): Scale {
  const positive = values.filter((v) => v > 0);
  let [low, high] = domain ?? extent(positive);
  if (!Number.isFinite(low) || !Number.isFinite(high) || low <= 0) [low, high] = [1, 10];
  let lowExponent = Math.floor(Math.log10(low) + 1e-9);
  let highExponent = Math.ceil(Math.log10(high) - 1e-9);
  if (lowExponent === highExponent) highExponent++;
  if (domain === undefined) [low, high] = [10 ** lowExponent, 10 ** highExponent];
  else [lowExponent, highExponent] = [Math.ceil(Math.log10(low)), Math.floor(Math.log10(high))];
  const decades = highExponent - lowExponent;
  const every = decades > 16 ? 3 : decades > 8 ? 2 : 1;
  const ticks: number[] = [];
  for (let e = lowExponent; e <= highExponent; e += every) ticks.push(Number(`1e${e}`));
  const [start, end] = range;
  const [logLow, logHigh] = [Math.log10(low), Math.log10(high)];
  return {
    position: (value) =>
      value > 0
        ? start + ((Math.log10(value) - logLow) / (logHigh - logLow)) * (end - start)
        : Number.NaN,
    ticks,
    domain: [low, high],
  };
}

/** The smallest 1, 2 or 5 × 10^k at least `rough`. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

function extent(values: readonly number[]): [number, number] {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  return [low, high];
}
