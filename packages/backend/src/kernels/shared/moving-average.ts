import type { ElementwiseUpdate } from './elementwise-update.js';

/**
 * A kernel of ours: a moving average's update as tfjs-layers' batch norm computes it,
 * v ← v − (v − value)·factor. Inputs current, value (float32, one shape); attribute `factor`
 * (1 − momentum); output the new average.
 */
export const MOVING_AVERAGE_UPDATE = 'ResidualMovingAverageUpdate';

export interface MovingAverageUpdateAttrs {
  factor: number;
}

const f = Math.fround;

/** Each operation rounded to float32 in the composition's order: the same bits. */
export const movingAverageUpdate: ElementwiseUpdate<MovingAverageUpdateAttrs> = {
  kernelName: MOVING_AVERAGE_UPDATE,
  inputs: ['current', 'value'],
  outputs: 1,
  into([current, value], attrs, [updated]) {
    const factor = f(attrs.factor);
    for (let i = 0; i < current.length; i++) {
      updated[i] = current[i] - f(f(current[i] - value[i]) * factor);
    }
  },
};
