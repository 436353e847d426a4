import * as tf from '@tensorflow/tfjs';
import { describe, expect } from 'vitest';
import { causalSoftmax } from './causal-softmax.js';
import { CAUSAL_SOFTMAX } from './kernels/shared/causal-softmax.js';
import { Rng } from './rng.js';
import { expectTensorsClose } from './testing/expect-tensors-close.js';
import { itMatchesTheComposition } from './testing/matches-the-composition.js';

function random(shape: number[], seed: number, spread: number): tf.Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Array.from({ length: size }, () => (rng.nextFloat() * 2 - 1) * spread),
    shape,
  );
}

/** Weights and the gradient of Σ weights·w for the scores, as plain numbers. */
function weightsAndGradient(): number[][] {
  return tf.tidy(() => {
    const scores = random([2, 3, 7, 7], 1, 8);
    const w = random([2, 3, 7, 7], 2, 1);
    const scale = 1 / Math.sqrt(5);
    const dScores = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(causalSoftmax(x, scale), w)))(scores);
    return [causalSoftmax(scores, scale), dScores].map((t) => Array.from(t.dataSync()));
  });
}

describe('causalSoftmax', () => {
  itMatchesTheComposition(
    CAUSAL_SOFTMAX,
    weightsAndGradient,
    ([ours, oursGradient], [weights, gradient]) => {
      expectTensorsClose(ours, weights, { rtol: 1e-5, atol: 1e-7 });
      expectTensorsClose(oursGradient, gradient, { rtol: 1e-4, atol: 1e-6 });
      // The future is exactly 0: row t of each 7×7 matrix has t + 1 weights.
      for (const [i, value] of ours.entries()) {
        if (i % 7 > Math.floor(i / 7) % 7) expect(value).toBe(0);
      }
    },
  );
});
