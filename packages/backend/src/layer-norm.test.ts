import * as tf from '@tensorflow/tfjs';
import { describe, expect } from 'vitest';
import { LAYER_NORM } from './kernels/shared/layer-norm.js';
import { layerNorm } from './layer-norm.js';
import { Rng } from './rng.js';
import { expectTensorsClose } from './testing/expect-tensors-close.js';
import { itMatchesTheComposition } from './testing/matches-the-composition.js';

function random(shape: number[], seed: number, offset = 0): tf.Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Array.from({ length: size }, () => offset + rng.nextFloat() * 4 - 2),
    shape,
  );
}

/** y and the gradients of Σ y·w for x, γ and β (when present), as plain numbers. */
function valuesAndGradients(withGamma: boolean, withBeta: boolean): number[][] {
  return tf.tidy(() => {
    // An offset mean, so the centring matters.
    const x = random([2, 3, 16], 1, 3);
    const gamma = withGamma ? random([16], 2) : null;
    const beta = withBeta ? random([16], 3) : null;
    const w = random([2, 3, 16], 4);
    const f = (input: tf.Tensor, g: tf.Tensor | null, b: tf.Tensor | null) =>
      tf.sum(tf.mul(layerNorm(input, g, b, 1e-5), w));
    const weights = [gamma, beta].filter((t): t is tf.Tensor => t !== null);
    const grads = tf.grads((input: tf.Tensor, ...rest: tf.Tensor[]) =>
      f(input, withGamma ? rest[0] : null, withBeta ? rest[withGamma ? 1 : 0] : null),
    )([x, ...weights]);
    return [layerNorm(x, gamma, beta, 1e-5), ...grads].map((t) => Array.from(t.dataSync()));
  });
}

describe('layerNorm', () => {
  const cases = [
    [true, true],
    [true, false],
    [false, false],
  ] as const;
  itMatchesTheComposition(
    LAYER_NORM,
    () => cases.map(([g, b]) => valuesAndGradients(g, b)),
    (actual, expected) => {
      for (const [i, outputs] of actual.entries()) {
        expect(outputs.length).toBe(expected[i].length);
        for (const [j, values] of outputs.entries()) {
          expectTensorsClose(values, expected[i][j], { rtol: 1e-4, atol: 1e-5 });
        }
      }
    },
  );
});
