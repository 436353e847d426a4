import type * as tf from '@tensorflow/tfjs';

/**
 * One phase of a convolution's input gradient. With stride s, the input rows y = r + s·q (one
 * residue r per phase) receive gradient only from the filter taps k with (r + pad − k·d)
 * divisible by s, from dy row q + (r + pad − k·d)/s. So each phase is a stride-1 forward
 * convolution over dy — with those taps, reversed and transposed — and no multiply ever
 * touches the zeros a strided transposed convolution would insert (the "transposed
 * convolution as convolution" identity of Dumoulin & Visin 2016, §4, split by phase).
 */
export interface PhaseAxis {
  /** Residue r: the phase writes input rows r, r + s, r + 2s, … */
  residue: number;
  /** Rows written: ceil((inSize − r) / s). */
  count: number;
  /** Filter taps that reach the phase, in the order the forward convolution applies them. */
  taps: number[];
  /** Dilation of the phase's convolution over dy. */
  dilation: number;
  /** Padding of dy before / after for the phase's convolution. */
  padBefore: number;
  padAfter: number;
  /** Output row of the phase's convolution that holds input row r (then r + s, …). */
  firstRow: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The phases along one spatial axis. */
export function phaseAxes(
  inSize: number,
  outSize: number,
  filterSize: number,
  stride: number,
  dilation: number,
  padBefore: number,
): PhaseAxis[] {
  const phases: PhaseAxis[] = [];
  for (let residue = 0; residue < Math.min(stride, inSize); residue++) {
    const count = Math.ceil((inSize - residue) / stride);
    // Taps in order of increasing dy offset (decreasing k): a plain forward convolution.
    const taps: number[] = [];
    const offsets: number[] = [];
    for (let k = filterSize - 1; k >= 0; k--) {
      const numerator = residue + padBefore - k * dilation;
      if (((numerator % stride) + stride) % stride === 0) {
        taps.push(k);
        offsets.push(numerator / stride);
      }
    }
    if (taps.length === 0) {
      phases.push({ residue, count, taps, dilation: 1, padBefore: 0, padAfter: 0, firstRow: 0 });
      continue;
    }
    const phaseDilation = dilation / gcd(stride, dilation);
    const first = offsets[0];
    const last = offsets[offsets.length - 1];
    // Output row j of the phase convolution reads dy rows j − pad + phaseDilation·t; input
    // row q of the phase needs dy rows q + first + phaseDilation·t.
    const before = Math.max(0, -first);
    const firstRow = first + before;
    const after = Math.max(0, count - 1 + last - (outSize - 1));
    phases.push({
      residue,
      count,
      taps,
      dilation: phaseDilation,
      padBefore: before,
      padAfter: after,
      firstRow,
    });
  }
  return phases;
}

/**
 * The phase's filter `[tapsY, tapsX, outChannels, inChannels]` from tfjs's
 * `[filterHeight, filterWidth, inChannels, outChannels]` one (taps picked, channels swapped).
 */
export function phaseFilter(
  filter: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  tapsY: readonly number[],
  tapsX: readonly number[],
): Float32Array {
  const { filterWidth, inChannels, outChannels } = info;
  const out = new Float32Array(tapsY.length * tapsX.length * outChannels * inChannels);
  let o = 0;
  for (const ky of tapsY) {
    for (const kx of tapsX) {
      const tap = (ky * filterWidth + kx) * inChannels * outChannels;
      for (let co = 0; co < outChannels; co++) {
        for (let ci = 0; ci < inChannels; ci++) out[o++] = filter[tap + ci * outChannels + co];
      }
    }
  }
  return out;
}
