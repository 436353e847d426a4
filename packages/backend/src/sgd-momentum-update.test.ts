import * as tf from '@tensorflow/tfjs';
import { describe, expect } from 'vitest';
import { SGD_MOMENTUM_UPDATE } from './kernels/shared/sgd-momentum.js';
import { Rng } from './rng.js';
import { sgdMomentumUpdate } from './sgd-momentum-update.js';
import { itMatchesTheComposition } from './testing/matches-the-composition.js';

function values(size: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: size }, () => rng.nextFloat() * 2 - 1);
}

/** Three steps on one weight, returning its final weight and velocity as plain numbers. */
function threeSteps(decayed: boolean, nesterov: boolean): number[][] {
  const shape = [5, 7];
  let weight = tf.tensor(values(35, 1), shape);
  let velocity = tf.tensor(values(35, 2), shape);
  for (let step = 1; step <= 3; step++) {
    const gradient = tf.tensor(values(35, 10 + step), shape);
    const attrs = { learningRate: 0.1 / step, momentum: 0.9, weightDecay: 5e-4, decayed, nesterov };
    const next = sgdMomentumUpdate(weight, velocity, gradient, attrs);
    tf.dispose([weight, velocity, gradient]);
    ({ weight, velocity } = next);
  }
  const out = [weight, velocity].map((t) => Array.from(t.dataSync()));
  tf.dispose([weight, velocity]);
  return out;
}

const variants = () => [
  threeSteps(false, false),
  threeSteps(true, false),
  threeSteps(false, true),
  threeSteps(true, true),
];

describe('sgdMomentumUpdate', () => {
  itMatchesTheComposition(SGD_MOMENTUM_UPDATE, variants, (actual, expected) => {
    expect(actual).toEqual(expected);
    // Decay changes the velocity and the weight; Nesterov only the weight.
    expect(actual[1][0]).not.toEqual(actual[0][0]);
    expect(actual[2][0]).not.toEqual(actual[0][0]);
    expect(actual[1][1]).not.toEqual(actual[0][1]);
    expect(actual[2][1]).toEqual(actual[0][1]);
  });
});
