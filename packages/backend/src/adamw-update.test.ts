import * as tf from '@tensorflow/tfjs';
import { describe, expect } from 'vitest';
import { adamwUpdate } from './adamw-update.js';
import { ADAMW_UPDATE, type AdamWUpdateAttrs } from './kernels/shared/adamw.js';
import { Rng } from './rng.js';
import { itMatchesTheComposition } from './testing/matches-the-composition.js';

function values(size: number, seed: number, positive = false): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: size }, () => (positive ? rng.nextFloat() : rng.nextFloat() * 2 - 1));
}

/** Three steps of AdamW on one weight, returning its final weight, m and v as plain numbers. */
function threeSteps(decayed: boolean): number[][] {
  const shape = [5, 7];
  let weight = tf.tensor(values(35, 1), shape);
  let m = tf.tensor(values(35, 2), shape);
  let v = tf.tensor(values(35, 3, true), shape);
  for (let step = 1; step <= 3; step++) {
    const gradient = tf.tensor(values(35, 10 + step), shape);
    const attrs: AdamWUpdateAttrs = {
      beta1: 0.9,
      beta2: 0.99,
      oneMinusBeta1: 1 - 0.9,
      oneMinusBeta2: 1 - 0.99,
      decay: 1 - 1e-3 * 0.1,
      decayed,
      stepSize: 1e-3 / (1 - 0.9 ** step),
      rootCorrection2: Math.sqrt(1 - 0.99 ** step),
      epsilon: 1e-8,
    };
    const next = adamwUpdate(weight, m, v, gradient, attrs);
    tf.dispose([weight, m, v, gradient]);
    ({ weight, m, v } = next);
  }
  const out = [weight, m, v].map((t) => Array.from(t.dataSync()));
  tf.dispose([weight, m, v]);
  return out;
}

describe('adamwUpdate', () => {
  itMatchesTheComposition(
    ADAMW_UPDATE,
    () => [threeSteps(true), threeSteps(false)],
    (actual, expected) => {
      expect(actual).toEqual(expected);
      // Decay changes the weight and nothing else.
      expect(actual[0][0]).not.toEqual(actual[1][0]);
      expect(actual[0][1]).toEqual(actual[1][1]);
    },
  );
});
