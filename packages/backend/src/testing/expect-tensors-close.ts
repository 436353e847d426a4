import * as tf from '@tensorflow/tfjs';

export type Numeric = tf.Tensor | ArrayLike<number> | number;

export interface CloseOptions {
  /** Relative tolerance, as in numpy's `allclose`. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-6. */
  atol?: number;
}

/**
 * Throws unless `actual` and `expected` have the same shape and every element satisfies
 * `|actual - expected| <= atol + rtol * |expected|`. The message names the worst element.
 */
export function expectTensorsClose(
  actual: Numeric,
  expected: Numeric,
  { rtol = 1e-5, atol = 1e-6 }: CloseOptions = {},
): void {
  const [actualShape, actualValues] = flatten(actual);
  const [expectedShape, expectedValues] = flatten(expected);
  if (actualShape.join() !== expectedShape.join()) {
    throw new Error(`Shapes differ: actual [${actualShape}] vs expected [${expectedShape}].`);
  }
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expectedValues.length; i++) {
    const a = actualValues[i];
    const e = expectedValues[i];
    if (Number.isNaN(a) !== Number.isNaN(e)) {
      worst = i;
      worstExcess = Number.POSITIVE_INFINITY;
      break;
    }
    if (Number.isNaN(a) || a === e) continue;
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (excess > worstExcess || (excess > 0 && worst < 0)) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `Tensors differ at flat index ${worst}: actual ${actualValues[worst]}, expected ` +
        `${expectedValues[worst]} (rtol ${rtol}, atol ${atol}, ${expectedValues.length} elements).`,
    );
  }
}

function flatten(value: Numeric): [number[], ArrayLike<number>] {
  if (value instanceof tf.Tensor) return [value.shape, value.dataSync() as ArrayLike<number>];
  if (typeof value === 'number') return [[], [value]];
  return [[value.length], value];
}
